// js-pub's last line when not every message was confirmed, as PubSummary writes it: groups 1 confirmed,
// 2 of how many, 3 the stored seq range (or null), 4 not confirmed, 5 refused, 6 sent without an
// answer, 7 never sent. The tests that add its numbers up read it from here.
final class PubShortfall {
    static final String LINE = "only (\\d+) of (\\d+) messages confirmed by a PubAck( \\(seq [\\d-]+\\))?; (\\d+) not: "
            + "(\\d+) refused by the server, (\\d+) sent without an answer \\(they may or may not be stored\\), (\\d+) never sent";

    private PubShortfall() {
    }
}
