// Bodies are bytes: stdin lines are split on \n only and stored exactly as they came (invalid
// UTF-8 and \r included), each sent as soon as it is read; --file sends a file (or stdin) as one
// message byte for byte; js-pull prints bodies so that different bytes never print the same.
// Subjects are bytes on the wire too: one as long as the server takes is pulled and acked, and
// one the server would close the connection on is refused before anything is sent.

import io.nats.client.Connection;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BytesTest extends WithServer {
    @Test
    void stdinLinesAreStoredByteForByte() throws Exception {
        bootstrap();
        byte[] input = bytes("one\r\n", new byte[] {'t', 'w', (byte) 0xff, 'o', '\n'}, "\n", "café\n", "lone\rcr\n", "last");
        Run.Result result = ok(script("JsPub").stdin(input).go());

        List<byte[]> stored = StoredMessages.bytesIn(server);
        assertEquals(6, stored.size(), result.toString());
        assertArrayEquals(bytes("one\r"), stored.get(0), "a \\r stays: lines end at \\n only");
        assertArrayEquals(new byte[] {'t', 'w', (byte) 0xff, 'o'}, stored.get(1), "invalid UTF-8 is kept, not replaced");
        assertArrayEquals(new byte[0], stored.get(2));
        assertArrayEquals(bytes("café"), stored.get(3));
        assertArrayEquals(bytes("lone\rcr"), stored.get(4), "a lone \\r does not split");
        assertArrayEquals(bytes("last"), stored.get(5), "the last line needs no \\n");
        assertEquals("INFO published \"tw\\x{ff}o\" to stream LAB4_STREAM (seq 2)", result.outLines().get(1));
    }

    @Test
    void eachLineIsSentAsSoonAsItIsRead() throws Exception {
        bootstrap();
        Run.Started pub = script("JsPub").stdin("first\n").keepStdinOpen().start();
        pub.awaitOut("INFO published \"first\" to stream LAB4_STREAM (seq 1)"); // stdin is still open
        assertEquals(List.of("first"), StoredMessages.in(server));
        pub.stdin().write("second\n".getBytes(StandardCharsets.UTF_8));
        pub.stdin().close();
        ok(pub.finish());
        assertEquals(List.of("first", "second"), StoredMessages.in(server));
    }

    @Test
    void aFileIsOneMessageByteForByte() throws Exception {
        bootstrap();
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data); // \n, \r, 0 and invalid UTF-8 among them
        Path file = Files.createTempFile("lab-body-", ".bin");
        try {
            Files.write(file, data);
            Run.Result result = ok(script("JsPub", "--file", file.toString()).go());
            assertEquals("INFO published 100000 bytes from " + file + " to stream LAB4_STREAM (seq 1)\n", result.out());
            ok(script("JsPub", "--file", "-").stdin(data).go());
            List<byte[]> stored = StoredMessages.bytesIn(server);
            assertEquals(2, stored.size());
            assertArrayEquals(data, stored.get(0));
            assertArrayEquals(data, stored.get(1), "--file - reads stdin as one message");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The server took this subject (its line fits its 4096 bytes), but a delivery's line adds the ack
     * subject: jnats' own 4 KiB line buffer could not read it, and the message would come back to end
     * every run as a lost connection.
     */
    @Test
    void aMessageUnderASubjectAsLongAsTheServerTakesIsPulledAndAcked() throws Exception {
        String subject = "long." + "a".repeat(4050);
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LONG_SUBJECT").subjects(subject)
                    .storageType(StorageType.Memory).build());
            nc.jetStreamManagement().addOrUpdateConsumer("LONG_SUBJECT", ConsumerConfiguration.builder().durable("READER")
                    .ackPolicy(AckPolicy.Explicit).build());
            nc.publish(subject, bytes("under a long subject"));
            nc.flush(Duration.ofSeconds(10));
        }
        Run.Result pulled = ok(script("JsPull", "--stream", "LONG_SUBJECT", "--consumer", "READER", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"under a long subject\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"), pulled.outLines(), pulled.toString());
    }

    @Test
    void aSubjectLongerThanTheServersLinesIsRefusedBeforeAnythingIsSent() throws Exception {
        bootstrap();
        String subject = "lab4." + "\u00e9".repeat(1948); // 3,901 bytes, 1,953 characters
        Run.Result result = script("JsPub", "--subject", subject, "hi").go();
        assertEquals(Exit.USAGE, result.exit(), result.toString());
        assertEquals("", result.out());
        assertTrue(result.err().matches("ERROR flag --subject: \"lab4\\.\u00e9+\\.\\.\\.\" is not valid: it is 3901 bytes long, and the "
                + "lab sends subjects of at most 3900 .*: use a shorter one, like lab4\\.stream\n"), result.err());
        assertEquals(List.of(), StoredMessages.in(server));
        // what a listener subscribes to goes in a protocol line too, and a queue group with it
        Run.Result listen = script("NatsSub", "--count", "1", "lab1.*." + "y".repeat(3_900)).go();
        assertEquals(Exit.USAGE, listen.exit(), listen.toString());
        assertTrue(listen.err().matches("ERROR subject \"lab1\\.\\*\\.y+\"\\.\\.\\. \\(3707 more bytes\\) cannot be subscribed to: it is 3907 "
                + "bytes long, "
                + "and the lab sends subjects of at most 3900 .*\n"), listen.err());
        Run.Result group = script("Worker", "--queue", "q".repeat(3_890), "--count", "1").go();
        assertEquals(Exit.USAGE, group.exit(), group.toString());
        assertTrue(group.err().matches("ERROR flag --queue: \"q+\"\\.\\.\\. \\(3690 more bytes\\) is not valid: it is \\d+ bytes long with the "
                + "subject, .*: "
                + "use a shorter one, like workers\n"), group.err());
    }

    @Test
    void differentBytesNeverPrintTheSame() throws Exception {
        bootstrap();
        for (byte[] body : List.of(new byte[] {(byte) 0xff}, bytes("\uFFFD"), bytes("\\x{ff}"), bytes("?"),
                new byte[] {(byte) 0xc3}, bytes("a\u200Bb"), bytes("ab"))) {
            ok(script("JsPub", "--file", "-").stdin(body).go());
        }
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        List<String> lines = pulled.outLines().stream().filter(line -> line.startsWith("INFO pulled")).toList();
        assertEquals(List.of(
                "INFO pulled message: \"\\x{ff}\"",
                "INFO pulled message: \"\\u{fffd}\"",
                "INFO pulled message: \"\\\\x{ff}\"",
                "INFO pulled message: \"?\"",
                "INFO pulled message: \"\\x{c3}\"",
                "INFO pulled message: \"a\\u{200b}b\"",
                "INFO pulled message: \"ab\""), lines);
        assertTrue(pulled.out().indexOf('\uFFFD') < 0, "never U+FFFD on the way out");
    }

    @Test
    void nonAsciiPrintsAsUtf8WhateverTheLocale() throws Exception {
        bootstrap();
        ok(script("JsPub", "--file", "-").stdin("ünïcødé ✓").go());
        Run.Result pulled = ok(script("JsPull", "--wait", "1").env("LANG", "C").env("LC_ALL", "C").go());
        assertEquals("INFO pulled message: \"ünïcødé ✓\"", pulled.outLines().get(0));
    }

    private static byte[] bytes(Object... parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.write(part instanceof byte[] raw ? raw : ((String) part).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
