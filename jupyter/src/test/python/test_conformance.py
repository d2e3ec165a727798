"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against the bitspike kernel.

Run by scripts/test-kernel with Debian's /usr/bin/python3 and JUPYTER_PATH pointing at a kernelspec
installed with --prefix; every test must pass (none may be skipped).
"""
import os
import unittest

import jupyter_kernel_test


class BitspikeKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("BITSPIKE_KERNEL_NAME", "bitspike")
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'

    completion_samples = [
        {"text": "Syst", "matches": {"System"}},
        {"text": 'String s = "x"; s.leng', "matches": {"length()"}},
        {"text": "Tensor.zer", "matches": {"zeros("}},
    ]

    complete_code_samples = ["1 + 1", "int y = 3;", "void f() {}", "Tensor.zeros(2, 3)"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "void f() {", "Tensor t = Tensor.zeros(2,"]
    invalid_code_samples = ["int x = ;)"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"abc".toUpperCase()', "result": '"ABC"'},
    ]

    code_display_data = [
        {"code": 'Display.html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'Display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\" width=\\"4\\" height=\\"4\\"/>");',
         "mime": "image/svg+xml"},
        {"code": "Display.display(Tensor.ones(2, 3));", "mime": "text/html"},
    ]

    code_page_something = 'Display.page("the pager shows this");'

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'System.out.println("soon gone"); Display.clear();'


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    # a skipped conformance test is a missing feature, not a pass
    if result.skipped:
        print("FAILED: %d conformance tests were skipped: %s" % (
            len(result.skipped), ", ".join(str(t) for t, _ in result.skipped)))
    raise SystemExit(0 if result.wasSuccessful() and not result.skipped else 1)
