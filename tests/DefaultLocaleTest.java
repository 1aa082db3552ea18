// A line reads the same in any language: a JVM whose default locale is Turkish, German or Egyptian
// Arabic (a user's LANG makes it so) prints the numbers of every line exactly as the lab documents
// them, ASCII digits and the lab's own 1,500 grouping, and matches names regardless of case the same
// way (Turkish lower-cases I to a dotless i). The scripts run in a real JVM whose default locale is set
// through JAVA_TOOL_OPTIONS, which reaches every launcher; the root locale's runs are the reference.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultLocaleTest extends WithServer {
    /** Dotless i; grouping with dots and decimal commas; Arabic-Indic digits. */
    static final List<String> LOCALES = List.of("tr-TR", "de-DE", "ar-EG");
    /** A figure as the lab writes it: 1,500 or 1500 or 7.8; runs of it differ from run to run (rates, times). */
    private static final Pattern FIGURE = Pattern.compile("[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+");
    private static final String COUNT = "1500";

    @TempDir
    Path dir;

    /**
     * In each locale one JVM runs -H with a header name in capitals (refused in the root locale's words, though Turkish
     * lower-cases its I to a dotless i; it stores nothing: js-info's count is js-pub's 1,500 alone), then js-pub,
     * js-info (plain, --json, --list) and js-pull: the same lines in every locale as in the root one. Then js-info
     * through a launcher (bin/lab-run, which starts the script's JVM the way an installed command does) in German,
     * after the same publish: the root locale's js-info lines.
     */
    @Test
    void numbersPrintTheSameInEveryLocaleAHeaderNameInCapitalsIsMatchedTheSameAndThroughTheLauncher() throws Exception {
        List<Run.Result> reference = publishInfoPull("");
        assertEquals(Exit.USAGE, reference.get(0).exit(), reference.get(0).toString());
        assertTrue(reference.get(1).out().contains("published " + COUNT + " messages"), reference.get(1).toString());
        assertTrue(reference.get(2).out().contains("1,500 ("), reference.get(2).toString());
        for (String tag : LOCALES) {
            List<Run.Result> runs = publishInfoPull(tag);
            for (int i = 0; i < runs.size(); i++) {
                Run.Result run = runs.get(i);
                String whole = run.out() + run.err();
                assertTrue(whole.chars().allMatch(c -> c < 128), tag + ": a letter or digit outside ASCII\n" + run);
                assertEquals(reference.get(i).exit(), run.exit(), tag + ": the exit code differs\n" + run);
                assertEquals(masked(reference.get(i).out()), masked(run.out()), tag + ": stdout differs\n" + run);
                assertEquals(masked(reference.get(i).err()), masked(run.err()), tag + ": stderr differs\n" + run);
            }
            assertEquals(withoutJvmNotice(reference.get(0).err()), withoutJvmNotice(runs.get(0).err()), tag + ": the refusal, word for word");
            assertEquals(reference.get(2).out(), runs.get(2).out(), tag + ": js-info's counts are fixed, so its lines are too");
        }
        server.resetToLabStream();
        ok(script("JsPub", "--count", COUNT, "hello").go());
        Run.Result german = ok(Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info")
                .env("JAVA_TOOL_OPTIONS", jvmLocale("de-DE")).server(server).go());
        assertEquals(reference.get(2).out(), german.out());
    }

    /**
     * A wildcard certificate (*.lab.internal) names a host typed in capitals (NODE.LAB.INTERNAL) in every
     * locale: in Turkish, lower-casing the host's I the default way gives "ınternal", which no name matches.
     */
    @Test
    void aWildcardCertificateNamesAHostInCapitalsInTurkish() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=locale test CA",
                "-keyout", "ca-key.pem", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=wildcard", "-keyout", "key.pem", "-out", "cert.csr");
        Files.writeString(dir.resolve("cert.ext"), "subjectAltName=DNS:*.lab.internal\n");
        openssl("x509", "-req", "-in", "cert.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "2",
                "-extfile", "cert.ext", "-out", "cert.pem");
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 NODE.LAB.INTERNAL\n");
        try (NatsServer tls = NatsServer.startWithConfig("tls {\n  cert_file: \"" + dir.resolve("cert.pem") + "\"\n  key_file: \""
                + dir.resolve("key.pem") + "\"\n  " + Secured.TLS_TIMEOUT + "\n}\n")) {
            String url = "tls://NODE.LAB.INTERNAL:" + tls.port;
            for (String tag : List.of("", "tr-TR")) {
                Run.Result run = Run.script("NatsPub", "--server", url, "--tlsca", dir.resolve("ca.pem").toString(), "x")
                        .env("JAVA_TOOL_OPTIONS", jvmLocale(tag) + " -Djdk.net.hosts.file=" + hosts).go();
                assertEquals(0, run.exit(), "locale '" + tag + "'\n" + run);
            }
        }
    }

    /**
     * In one locale, in one JVM: -H with a header name in capitals (refused), publish COUNT messages, js-info three ways,
     * and pull them all; the runs' results in that order.
     */
    private List<Run.Result> publishInfoPull(String tag) throws Exception {
        server.resetToLabStream();
        Run.Result jvm = OneJvm.of(List.of(List.of("JsPub", "-H", "NATS-MSG-ID:id-1", "x"), List.of("JsPub", "--count", COUNT, "hello"),
                List.of("JsInfo"), List.of("JsInfo", "--json"), List.of("JsInfo", "--list"),
                List.of("JsPull", "--count", COUNT, "--batch", "500", "--quiet")))
                .server(server).env("JAVA_TOOL_OPTIONS", jvmLocale(tag)).go();
        List<Run.Result> runs = OneJvm.results(jvm);
        assertEquals(6, runs.size(), jvm.toString());
        runs.subList(1, runs.size()).forEach(WithServer::ok);
        return runs;
    }

    private static String jvmLocale(String tag) {
        Locale locale = Locale.forLanguageTag(tag);
        return "-Duser.language=" + locale.getLanguage() + " -Duser.country=" + locale.getCountry();
    }

    /** The output without the JVM's own "Picked up JAVA_TOOL_OPTIONS" line, and each figure as N. */
    private static String masked(String output) {
        return FIGURE.matcher(withoutJvmNotice(output)).replaceAll("N");
    }

    private static String withoutJvmNotice(String output) {
        return output.replaceAll("(?m)^Picked up JAVA_TOOL_OPTIONS: .*\n", "");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ok(Run.command(command.toArray(String[]::new)).in(dir).go());
    }
}
