// Why a pull gets nothing, when the server's numbers tell: the consumer's pending, ack pending and
// ack floor, its settings, and what the stream stores, read as one sentence. js-pull says it when a
// wait passes empty; js-info shows it on its consumer's "next pull" row, also while it watches.
// Also why a message comes with an empty body: a consumer that sends headers only.
//DEPS io.nats:jnats:2.26.2
//SOURCES Durations.java Output.java Backoff.java Limit.java Subjects.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.support.NatsJetStreamConstants;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

final class WhyNothing {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private WhyNothing() {
    }

    /** Said by js-pull before the first message, and on js-info's settings row: each body is left out. */
    static String headersOnly(ConsumerConfiguration settings) {
        return settings.isHeadersOnly() ? "delivers headers only (headers_only): bodies are not sent "
                + "(js-pull shows each as \"\"), header " + NatsJetStreamConstants.MSG_SIZE_HDR + " gives each one's size" : null;
    }

    /** The same, asking the server for the stream's and the consumer's state first. */
    static String why(Connection nc, String stream, String consumer) throws IOException, JetStreamApiException {
        return why(nc, nc.jetStreamManagement().getStreamInfo(stream), nc.jetStreamManagement().getConsumerInfo(stream, consumer));
    }

    /**
     * js-info's "next pull" row: why it gets nothing, or, with messages ack pending, why it may: the
     * server's state cannot tell a nak'd message, which the next pull gets at once, from one waiting
     * out its ack wait.
     */
    static String nextPull(Connection nc, StreamInfo streamInfo, ConsumerInfo consumer) {
        String why = why(nc, streamInfo, consumer);
        return why == null ? null : (waitingForAcks(consumer) || atMaxAckPending(consumer) ? "may get nothing: "
                : "gets nothing: ") + why;
    }

    private static boolean waitingForAcks(ConsumerInfo consumer) {
        return consumer.getNumPending() == 0 && consumer.getNumAckPending() > 0;
    }

    /** Ack pending at its max: once an ack wait ends, what was delivered is handed out again, so a pull may get that. */
    private static boolean atMaxAckPending(ConsumerInfo consumer) {
        long most = consumer.getConsumerConfiguration().getMaxAckPending();
        return consumer.getNumPending() > 0 && !Limit.unlimited(most) && consumer.getNumAckPending() >= most;
    }

    /**
     * Why the consumer's next pull gets nothing, in one sentence; null when it would get a message
     * (or the numbers do not tell). nc answers how many stored messages a filter subject matches.
     */
    static String why(Connection nc, StreamInfo streamInfo, ConsumerInfo consumer) {
        ConsumerConfiguration config = consumer.getConsumerConfiguration();
        StreamState stream = streamInfo.getStreamState();
        long ackFloor = consumer.getAckFloor().getStreamSequence();
        long maxAckPending = config.getMaxAckPending();
        if (consumer.getNumPending() > 0) {
            if (atMaxAckPending(consumer)) {
                return String.format(Locale.ROOT, "max ack pending reached: %s delivered and not acked (max_ack_pending %,d), so the "
                        + "server hands out none of the %,d pending until some are acked or %s passes%s",
                        Output.messages(consumer.getNumAckPending()), maxAckPending, consumer.getNumPending(),
                        Backoff.given(config.getBackoff()) ? Backoff.forDelivery(config.getBackoff(), "each one's")
                                : "their ack wait (" + ackWait(config) + ")", waitsEnd(consumer, config));
            }
            return null;
        }
        long ackPending = consumer.getNumAckPending();
        if (waitingForAcks(consumer)) {
            // Readers may ack out of order: past the ack floor some may be acked, so only the count is named.
            return String.format(Locale.ROOT, "%s ack pending past the ack floor (stream seq %d): delivered to a client (another "
                    + "js-pull, say) that has not acked %s; %s", ackPending == 1 ? "1 message is" : Output.messages(ackPending)
                    + " are", ackFloor, ackPending == 1 ? "it" : "them", comesAgain(consumer, config, ackPending == 1));
        }
        if (stream.getMsgCount() == 0) {
            return "the stream is empty: nothing is stored to deliver (js-pub stores a message)";
        }
        String filter = config.getFilterSubject();
        if (filter != null && !filter.isEmpty() && matching(nc, streamInfo, filter) == 0) {
            return String.format(Locale.ROOT, "filter subject %s matches none of the %s stored in the stream (its subjects: %s)",
                    filter, Output.messages(stream.getMsgCount()), Subjects.listed(streamInfo.getConfiguration().getSubjects()));
        }
        DeliverPolicy policy = config.getDeliverPolicy();
        if (policy != DeliverPolicy.All && consumer.getDelivered().getConsumerSequence() == 0) {
            if (policy == DeliverPolicy.ByStartSequence && config.getStartSequence() > stream.getLastSequence()) {
                return String.format(Locale.ROOT, "deliver policy by_start_sequence starts at stream seq %d, past the last stored (%d): "
                        + "only messages stored from there on arrive", config.getStartSequence(), stream.getLastSequence());
            }
            ZonedDateTime start = config.getStartTime();
            if (policy == DeliverPolicy.ByStartTime && start != null && start.isAfter(ZonedDateTime.now())) {
                // The server picks the starting point once, when the consumer is made: past all stored then.
                return String.format(Locale.ROOT, "deliver policy by_start_time names a time still to come (%s), so the server started "
                        + "this consumer past the last message stored when it was made: it skipped the %s stored (stream "
                        + "seqs %d-%d), and every message stored from now on arrives, without waiting for that time",
                        start.withZoneSameInstant(ZoneId.systemDefault()).toOffsetDateTime(), Output.messages(stream.getMsgCount()),
                        stream.getFirstSequence(), stream.getLastSequence());
            }
            return String.format(Locale.ROOT, "deliver policy %s skipped the %s stored before it (stream seqs %d-%d): only later ones "
                    + "arrive", policy, Output.messages(stream.getMsgCount()), stream.getFirstSequence(), stream.getLastSequence());
        }
        long lastDelivered = consumer.getDelivered().getStreamSequence();
        if (!Limit.unlimited(config.getMaxDeliver()) && ackFloor < lastDelivered) {
            return String.format(Locale.ROOT, "the messages past the ack floor (stream seq %d) up to seq %d that were not acked reached "
                    + "max deliver (%d) or were terminated: the server hands them out no more", ackFloor, lastDelivered,
                    config.getMaxDeliver());
        }
        return String.format(Locale.ROOT, "no messages past the ack floor (stream seq %d): everything stored for this consumer was "
                + "handled: acked, terminated or given up on after max deliver", ackFloor);
    }

    /**
     * When the messages waiting for an ack are handed out again. Each was delivered at or before the
     * consumer's last delivery (to any reader), so its ack wait ends by that time plus the ack wait,
     * unless a nak handed it back (at once, or after the nak's delay, sooner or later than that) or
     * in-progress acks held it longer: the server's state does not show those, nor which delivery of
     * each message this was. With a backoff that delivery decides the wait, so only its longest delay
     * bounds when they come.
     */
    private static String comesAgain(ConsumerInfo consumer, ConsumerConfiguration config, boolean one) {
        String held = (one ? "it was" : "they were") + " nak'd with a delay or kept in progress";
        String never = !Limit.unlimited(config.getMaxDeliver()) ? "never if that was the last delivery, max deliver " + config.getMaxDeliver() : "";
        String later = ", unless " + (one ? "it was" : "they were") + " nak'd (then at once, or after the nak's delay) or "
                + "kept in progress (later)" + (never.isEmpty() ? "" : "; " + never);
        String they = one ? "it comes" : "they come";
        ZonedDateTime last = consumer.getDelivered().getLastActive();
        if (last == null || config.getAckWait() == null) {
            return they + " again once the ack wait passes" + later;
        }
        if (Backoff.given(config.getBackoff())) {
            Duration longest = Backoff.longest(config.getBackoff());
            String by = clock(last.plus(longest));
            if (last.plus(longest).isAfter(ZonedDateTime.now())) {
                return they + " again after " + Backoff.forDelivery(config.getBackoff(), one ? "its" : "each one's")
                        + ", by " + by + " at the latest" + later;
            }
            return "the backoff's longest delay (" + Durations.format(longest) + ") passed by " + by + ", so " + held
                    + ", or " + they + " again on the next pull" + (never.isEmpty() ? "" : " (" + never + ")");
        }
        ZonedDateTime due = last.plus(config.getAckWait());
        String by = clock(due);
        if (due.isAfter(ZonedDateTime.now())) {
            return they + " again once the ack wait (" + ackWait(config) + ") has passed, by " + by + later;
        }
        return "the ack wait (" + ackWait(config) + ") passed by " + by + ", so " + held + ", or " + they
                + " again on the next pull" + (never.isEmpty() ? "" : " (" + never + ")");
    }

    /**
     * When the delivered messages' waits end at the latest (the last delivery's, unless a nak's delay or
     * in-progress acks moved one): then the server hands them out again, so a pull may get one.
     */
    private static String waitsEnd(ConsumerInfo consumer, ConsumerConfiguration config) {
        ZonedDateTime last = consumer.getDelivered().getLastActive();
        if (last == null || config.getAckWait() == null) {
            return "";
        }
        ZonedDateTime end = last.plus(Backoff.given(config.getBackoff()) ? Backoff.longest(config.getBackoff()) : config.getAckWait());
        boolean one = consumer.getNumAckPending() == 1;
        String held = " (unless " + (one ? "it was" : "they were") + " nak'd with a delay or kept in progress)";
        String again = "a pull may get " + (one ? "it" : "them") + " again";
        if (end.isAfter(ZonedDateTime.now())) {
            return ", by " + clock(end) + " at the latest" + held + ": then " + again;
        }
        return "; that passed by " + clock(end) + ", so " + again + " now" + held;
    }

    private static String clock(ZonedDateTime time) {
        return CLOCK.format(time.withZoneSameInstant(ZoneId.systemDefault()));
    }

    private static String ackWait(ConsumerConfiguration config) {
        return config.getAckWait() == null ? "its default" : Durations.seconds(config.getAckWait());
    }

    /** How many stored messages the filter subject matches (the server counts them per subject); -1 when it does not say. */
    private static long matching(Connection nc, StreamInfo stream, String filter) {
        try {
            StreamInfo counted = nc.jetStreamManagement().getStreamInfo(stream.getConfiguration().getName(),
                    StreamInfoOptions.filterSubjects(filter));
            return counted.getStreamState().getSubjects().stream().mapToLong(subject -> subject.getCount()).sum();
        } catch (IOException | JetStreamApiException | RuntimeException noAnswer) {
            return -1; // the other rules still tell what they can
        }
    }
}
