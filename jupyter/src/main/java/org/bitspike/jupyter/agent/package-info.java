/**
 * The code that runs inside the execution JVM before any user code: JShell's remote agent on a
 * low-latency socket. Packed alone into the kernel's agent jar, which is that JVM's whole class
 * path, so the kernel's own dependencies never show to notebook code.
 */
package org.bitspike.jupyter.agent;
