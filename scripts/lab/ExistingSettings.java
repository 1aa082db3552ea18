// What js-bootstrap finds on a stream or consumer that already exists: the settings it leaves alone
// (each a line, so nothing the lesson did not set passes unseen), and a consumer setting the lab
// needs that the server cannot change in place (then only --recreate helps).
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Subjects.java ConsumerOptions.java Setting.java

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

final class ExistingSettings {
    /** What nats-server 2.9 gives a new pull consumer that does not set them. */
    static final int NEW_MAX_ACK_PENDING = 1000;
    private static final int NEW_MAX_WAITING = 512;

    private ExistingSettings() {
    }

    /**
     * The settings of an existing stream that this run leaves alone and that differ from a new one's: {what, new
     * one's} or {what, new one's, the flag that would change it}; given: the settings this run was given.
     */
    static List<String[]> unmanaged(StreamConfiguration c, Predicate<Setting> given) {
        List<String[]> differ = new ArrayList<>();
        if (c.getDescription() != null && !c.getDescription().isEmpty()) {
            differ.add(new String[] {"description " + Output.quoted(c.getDescription()), "none"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxMsgs()) && !given.test(Setting.MAX_MSGS)) {
            differ.add(new String[] {"max messages " + c.getMaxMsgs(), "no limit", "--max-msgs"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxBytes())) {
            differ.add(new String[] {"max bytes " + c.getMaxBytes(), "no limit"});
        }
        if (c.getMaxAge() != null && c.getMaxAge().toNanos() > 0) {
            differ.add(new String[] {"max age " + c.getMaxAge().toSeconds() + "s", "no limit"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxMsgsPerSubject())) {
            differ.add(new String[] {"max messages per subject " + c.getMaxMsgsPerSubject(), "no limit"});
        }
        if (!ConsumerOptions.unlimited(c.getMaximumMessageSize())) {
            differ.add(new String[] {"max message size " + c.getMaximumMessageSize(), "the server's max_payload"});
        }
        if (c.getDiscardPolicy() == DiscardPolicy.New && !given.test(Setting.DISCARD)) {
            differ.add(new String[] {"discard new", "discard old", "--discard"});
        }
        if (c.getRetentionPolicy() != RetentionPolicy.Limits && !given.test(Setting.RETENTION)) {
            differ.add(new String[] {"retention " + c.getRetentionPolicy().toString().toLowerCase(), "limits",
                    "--retention with --recreate"});
        }
        return differ;
    }

    /** As for a stream: the settings of an existing consumer that this run leaves alone. */
    static List<String[]> unmanaged(ConsumerConfiguration c, Predicate<Setting> given) {
        List<String[]> differ = new ArrayList<>();
        if (c.getDescription() != null && !c.getDescription().isEmpty()) {
            differ.add(new String[] {"description " + Output.quoted(c.getDescription()), "none"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxAckPending()) && c.getMaxAckPending() != NEW_MAX_ACK_PENDING
                && !given.test(Setting.MAX_ACK_PENDING)) {
            differ.add(new String[] {"max ack pending " + c.getMaxAckPending(), String.valueOf(NEW_MAX_ACK_PENDING),
                    "--max-ack-pending"});
        }
        if (c.getFilterSubject() != null && !c.getFilterSubject().isEmpty() && !given.test(Setting.FILTER)) {
            differ.add(new String[] {"filter subject " + Output.printable(c.getFilterSubject(), false), "none", "--filter"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxPullWaiting()) && c.getMaxPullWaiting() != NEW_MAX_WAITING) {
            differ.add(new String[] {"max waiting pulls " + c.getMaxPullWaiting(), String.valueOf(NEW_MAX_WAITING)});
        }
        if (!ConsumerOptions.unlimited(c.getMaxBatch())) {
            differ.add(new String[] {"max batch " + c.getMaxBatch(), "no limit"});
        }
        if (c.getMaxExpires() != null && c.getMaxExpires().toNanos() > 0) {
            differ.add(new String[] {"max expires " + c.getMaxExpires().toMillis() + "ms", "no limit"});
        }
        if (!ConsumerOptions.unlimited(c.getMaxBytes())) {
            differ.add(new String[] {"max bytes " + c.getMaxBytes(), "no limit"});
        }
        if (c.getInactiveThreshold() != null && c.getInactiveThreshold().toNanos() > 0) {
            differ.add(new String[] {"inactive threshold " + c.getInactiveThreshold().toMillis() + "ms", "none"});
        }
        if (c.getBackoff() != null && !c.getBackoff().isEmpty()) {
            differ.add(new String[] {"backoff " + c.getBackoff(), "none"});
        }
        if (c.isHeadersOnly()) {
            differ.add(new String[] {"headers only", "whole messages"});
        }
        if (c.isMemStorage()) {
            differ.add(new String[] {"memory storage", "the stream's"});
        }
        if (c.getNumReplicas() > 0) {
            differ.add(new String[] {"replicas " + c.getNumReplicas(), "the stream's"});
        }
        return differ;
    }

    /** The first setting the lab needs and cannot update on an existing consumer, or null. */
    static String cannotChange(ConsumerConfiguration current, ConsumerConfiguration wanted,
                               String subject) {
        if (current.getDeliverSubject() != null) {
            return "a different type (it is a push consumer; the lab needs a pull consumer)";
        }
        if (current.getAckPolicy() != AckPolicy.Explicit) {
            return "a different ack policy (" + current.getAckPolicy() + ", the lab needs explicit)";
        }
        if (current.getDeliverPolicy() != DeliverPolicy.All) {
            return "a different deliver policy (" + current.getDeliverPolicy() + ", the lab needs all)";
        }
        String filter = current.getFilterSubject();
        String asked = wanted.getFilterSubject();
        boolean none = filter == null || filter.isEmpty(); // the server stores a filter equal to the stream's subject as none
        if (asked != null && !asked.isEmpty() && !asked.equals(filter) && !(none && asked.equals(subject))) {
            return "filter subject " + (none ? "none" : filter) + " (the config asks for " + asked + ")";
        }
        if (filter != null && !filter.isEmpty() && !Subjects.matches(filter, subject)) {
            return "filter subject " + filter + " (so it never gets what the lab publishes to " + subject + ")";
        }
        // The server takes a backoff's first delay as the ack wait, and refuses a max deliver not above its length.
        List<Duration> backoff = current.getBackoff();
        if (backoff != null && !backoff.isEmpty() && (!backoff.get(0).equals(wanted.getAckWait())
                || ConsumerOptions.unlimited(wanted.getMaxDeliver()) || wanted.getMaxDeliver() <= backoff.size())) {
            return String.format("a backoff (%s), which sets its redelivery delays in place of an ack wait and needs a "
                    + "max deliver above %d (the lab's config asks for ack wait %s, max deliver %s)",
                    backoff.stream().map(ExistingSettings::seconds).collect(Collectors.joining(", ")), backoff.size(),
                    seconds(wanted.getAckWait()), ConsumerOptions.shown(wanted.getMaxDeliver()));
        }
        return null;
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }
}
