package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionInfoTest {

    /** As jupyter_client writes it (kernel-*.json in the runtime directory). */
    private static final String FILE = """
            {
              "shell_port": 53794,
              "iopub_port": 53795,
              "stdin_port": 53796,
              "control_port": 53797,
              "hb_port": 53798,
              "ip": "127.0.0.1",
              "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
              "transport": "tcp",
              "signature_scheme": "hmac-sha256",
              "kernel_name": "bitspike"
            }
            """;

    @TempDir
    Path dir;

    @Test
    void readsAConnectionFileAsJupyterWritesIt() throws IOException {
        ConnectionInfo info = ConnectionInfo.read(write("kernel-1.json", FILE));
        assertEquals(new ConnectionInfo("tcp", "127.0.0.1", 53794, 53795, 53796, 53797, 53798, "hmac-sha256",
                "a0436f6c-1916-498b-8eb9-e81ab9368e84", "bitspike"), info);
        assertEquals("tcp://127.0.0.1:53794", info.address(info.shellPort()));
        assertEquals(53798, info.port(Channel.HEARTBEAT));
        assertFalse(info.toString().contains(info.key()), "the key stays out of toString");
    }

    @Test
    void kernelNameIsOptionalAndRoundTripsThroughToJson() throws IOException {
        ConnectionInfo info = ConnectionInfo.read(write("k.json", FILE.replace(",\n  \"kernel_name\": \"bitspike\"", "")));
        assertEquals("", info.kernelName());
        assertEquals(info, ConnectionInfo.read(write("again.json", info.toJson().toString())));
    }

    @Test
    void ipv6AddressesAreBracketed() {
        ConnectionInfo info = new ConnectionInfo("tcp", "::1", 1, 2, 3, 4, 5, "hmac-sha256", "", "");
        assertEquals("tcp://[::1]:1", info.address(1));
    }

    @Test
    void missingFieldNamesFileAndField() throws IOException {
        Path file = write("missing.json", FILE.replace("\"hb_port\": 53798,", ""));
        assertFileError(file, "hb_port", "is missing");
        assertFileError(write("nokey.json", FILE.replace("\"key\": \"a0436f6c-1916-498b-8eb9-e81ab9368e84\",", "")),
                "key", "is missing");
    }

    @Test
    void badPortNamesFileFieldAndValue() throws IOException {
        assertFileError(write("big.json", FILE.replace("53794", "70000")), "shell_port", "70000");
        assertFileError(write("neg.json", FILE.replace("53795", "-1")), "iopub_port", "-1");
        assertFileError(write("frac.json", FILE.replace("53796", "5.5")), "stdin_port", "5.5");
        assertFileError(write("str.json", FILE.replace("53797", "\"53797\"")), "control_port", "\"53797\"");
    }

    @Test
    void unknownTransportAndSchemeAreNamed() throws IOException {
        assertFileError(write("udp.json", FILE.replace("\"tcp\"", "\"udp\"")), "transport", "\"udp\"");
        assertFileError(write("ipc.json", FILE.replace("\"tcp\"", "\"ipc\"")), "transport", "\"ipc\"");
        assertFileError(write("md5.json", FILE.replace("hmac-sha256", "hmac-md5")), "signature_scheme", "hmac-md5");
    }

    @Test
    void unreadableOrNonObjectFilesNameTheFile() throws IOException {
        Path notJson = write("broken.json", "{\"shell_port\": 1,");
        WireException e = assertThrows(WireException.class, () -> ConnectionInfo.read(notJson));
        assertEquals(WireException.Reason.CONNECTION_FILE, e.reason());
        assertTrue(e.getMessage().contains(notJson.toString()), e.getMessage());

        Path array = write("array.json", "[1, 2]");
        e = assertThrows(WireException.class, () -> ConnectionInfo.read(array));
        assertTrue(e.getMessage().contains(array.toString()) && e.getMessage().contains("an array"), e.getMessage());

        Path absent = dir.resolve("absent.json");
        e = assertThrows(WireException.class, () -> ConnectionInfo.read(absent));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
    }

    private void assertFileError(Path file, String field, String detail) {
        WireException e = assertThrows(WireException.class, () -> ConnectionInfo.read(file));
        assertEquals(WireException.Reason.CONNECTION_FILE, e.reason());
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("\"" + field + "\"") && m.contains(detail), m);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
