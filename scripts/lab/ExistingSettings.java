// What js-bootstrap finds on a stream or consumer that already exists: the settings it leaves alone
// (each a line, so nothing the lesson did not set passes unseen: the fields no line names are named
// as the server spells them), and a consumer setting the lab
// needs that the server cannot change in place (then only --recreate helps).
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Subjects.java Limit.java Setting.java Backoff.java Durations.java

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.support.ApiConstants;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

final class ExistingSettings {
    /** What the lab gives a new consumer: its default (nats-server's own, too). */
    static final long NEW_MAX_ACK_PENDING = (Long) Setting.MAX_ACK_PENDING.byDefault;
    /** What nats-server 2.9 gives a new pull consumer that does not set it. */
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
        kept(differ, given, Setting.MAX_MSGS, !Limit.unlimited(c.getMaxMsgs()), c.getMaxMsgs(), Limit.NONE);
        kept(differ, given, Setting.MAX_BYTES, !Limit.unlimited(c.getMaxBytes()), c.getMaxBytes(), Limit.NONE);
        kept(differ, given, Setting.MAX_AGE, c.getMaxAge() != null && c.getMaxAge().toNanos() > 0,
                c.getMaxAge() == null ? "" : Durations.format(c.getMaxAge()), Limit.NONE);
        if (!Limit.unlimited(c.getMaxMsgsPerSubject())) {
            differ.add(new String[] {"max messages per subject " + c.getMaxMsgsPerSubject(), Limit.NONE});
        }
        if (!Limit.unlimited(c.getMaximumMessageSize())) {
            differ.add(new String[] {"max message size " + c.getMaximumMessageSize(), "the server's max_payload"});
        }
        if (c.getDiscardPolicy() == DiscardPolicy.New && !given.test(Setting.DISCARD)) {
            differ.add(new String[] {"discard new", "discard old", "--discard"});
        }
        kept(differ, given, Setting.DUPLICATE_WINDOW, !c.getDuplicateWindow().equals(Duration.ofSeconds((Long) Setting.DUPLICATE_WINDOW.byDefault)),
                Durations.seconds(c.getDuplicateWindow()), Setting.DUPLICATE_WINDOW.byDefault + "s");
        kept(differ, given, Setting.REPLICAS, c.getReplicas() != 1, c.getReplicas(), "1");
        if (c.getStorageType() == StorageType.Memory && !given.test(Setting.STORAGE)) {
            differ.add(new String[] {"memory storage", "file storage", Setting.STORAGE.display() + " with --recreate"});
        }
        if (c.getRetentionPolicy() != RetentionPolicy.Limits && !given.test(Setting.RETENTION)) {
            differ.add(new String[] {"retention " + Setting.spelled(c.getRetentionPolicy()), "limits",
                    "--retention with --recreate"});
        }
        others(differ, c.toJson(), STREAM_NAMED, Map.of());
        return differ;
    }

    /** The stream config's fields (as the server's JSON names them) that the lab manages or the lines above name. */
    private static final Set<String> STREAM_NAMED = Set.of(ApiConstants.NAME, ApiConstants.SUBJECTS,
            ApiConstants.DESCRIPTION, ApiConstants.RETENTION, ApiConstants.MAX_MSGS, ApiConstants.MAX_BYTES,
            ApiConstants.MAX_AGE, ApiConstants.MAX_MSGS_PER_SUB, ApiConstants.MAX_MSG_SIZE, ApiConstants.STORAGE,
            ApiConstants.NUM_REPLICAS, ApiConstants.DISCARD, ApiConstants.DUPLICATE_WINDOW);
    /** The same for a consumer (a push consumer's deliver subject is cannotChange's). */
    private static final Set<String> CONSUMER_NAMED = Set.of(ApiConstants.NAME, ApiConstants.DURABLE_NAME,
            ApiConstants.DESCRIPTION, ApiConstants.DELIVER_SUBJECT, ApiConstants.DELIVER_POLICY, ApiConstants.ACK_POLICY,
            ApiConstants.ACK_WAIT, ApiConstants.MAX_DELIVER, ApiConstants.BACKOFF, ApiConstants.MAX_ACK_PENDING,
            ApiConstants.FILTER_SUBJECT, ApiConstants.MAX_WAITING, ApiConstants.MAX_BATCH, ApiConstants.MAX_EXPIRES,
            ApiConstants.MAX_BYTES, ApiConstants.INACTIVE_THRESHOLD, ApiConstants.HEADERS_ONLY, ApiConstants.MEM_STORAGE,
            ApiConstants.NUM_REPLICAS);

    /**
     * Every other field of the config that is set: jnats writes a field only when it is not the default
     * (but those in `always`, with a new one's value), so whatever a raw API call or another tool set
     * there (deny delete, rollups, republish, sample frequency, any field a newer server adds that
     * jnats knows) is named, and none is missed for not being listed here.
     */
    private static void others(List<String[]> differ, String json, Set<String> named, Map<String, String> always) {
        new TreeMap<>(JsonParser.parseUnchecked(json).map).forEach((field, value) -> { // in the order of their names
            String shown = value.type == JsonValue.Type.STRING ? value.string : value.toJson();
            if (!named.contains(field) && !shown.equals(always.get(field))) {
                differ.add(new String[] {field.replace('_', ' ') + " " + Output.printable(shown, false),
                        always.getOrDefault(field, value.type == JsonValue.Type.BOOL ? "false" : "none")});
            }
        });
    }

    /** A managed setting this run was not given, whose value differs from a new one's: {what value, new one's, how to set it}. */
    private static void kept(List<String[]> differ, Predicate<Setting> given, Setting setting, boolean differs, Object value,
                             String byDefault) {
        if (differs && !given.test(setting)) {
            differ.add(new String[] {what(setting) + " " + value, byDefault,
                    setting.flag() != null ? setting.flag() : setting.display()});
        }
    }

    /** A managed setting as js-bootstrap's lines name it: max ack pending, duplicate window ... */
    static String what(Setting setting) {
        return switch (setting) {
            case MAX_MSGS -> "max messages";
            case DUPLICATE_WINDOW -> "duplicate window";
            default -> setting.leaf().replace("_secs", "").replace("_subject", " subject").replace('_', ' ');
        };
    }

    /** As for a stream: the settings of an existing consumer that this run leaves alone. */
    static List<String[]> unmanaged(ConsumerConfiguration c, Predicate<Setting> given) {
        List<String[]> differ = new ArrayList<>();
        if (c.getDescription() != null && !c.getDescription().isEmpty()) {
            differ.add(new String[] {"description " + Output.quoted(c.getDescription()), "none"});
        }
        kept(differ, given, Setting.ACK_WAIT, !c.getAckWait().equals(Duration.ofSeconds((Long) Setting.ACK_WAIT.byDefault)),
                Durations.seconds(c.getAckWait()), Setting.ACK_WAIT.byDefault + "s");
        kept(differ, given, Setting.MAX_DELIVER, !Limit.unlimited(c.getMaxDeliver()), c.getMaxDeliver(), Limit.NONE);
        kept(differ, given, Setting.BACKOFF, c.getBackoff() != null && !c.getBackoff().isEmpty(),
                c.getBackoff() == null ? "" : Backoff.shown(c.getBackoff()), "none");
        kept(differ, given, Setting.MAX_ACK_PENDING, !Limit.unlimited(c.getMaxAckPending()) && c.getMaxAckPending() != NEW_MAX_ACK_PENDING,
                c.getMaxAckPending(), String.valueOf(NEW_MAX_ACK_PENDING));
        if (c.getFilterSubject() != null && !c.getFilterSubject().isEmpty() && !given.test(Setting.FILTER)) {
            differ.add(new String[] {"filter subject " + Output.printable(c.getFilterSubject(), false), "none", "--filter"});
        }
        if (!Limit.unlimited(c.getMaxPullWaiting()) && c.getMaxPullWaiting() != NEW_MAX_WAITING) {
            differ.add(new String[] {"max waiting pulls " + c.getMaxPullWaiting(), String.valueOf(NEW_MAX_WAITING)});
        }
        if (!Limit.unlimited(c.getMaxBatch())) {
            differ.add(new String[] {"max batch " + c.getMaxBatch(), Limit.NONE});
        }
        if (c.getMaxExpires() != null && c.getMaxExpires().toNanos() > 0) {
            differ.add(new String[] {"max expires " + c.getMaxExpires().toMillis() + "ms", Limit.NONE});
        }
        if (!Limit.unlimited(c.getMaxBytes())) {
            differ.add(new String[] {"max bytes " + c.getMaxBytes(), Limit.NONE});
        }
        if (c.getInactiveThreshold() != null && c.getInactiveThreshold().toNanos() > 0) {
            differ.add(new String[] {"inactive threshold " + c.getInactiveThreshold().toMillis() + "ms", "none"});
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
        others(differ, c.toJson(), CONSUMER_NAMED, Map.of(ApiConstants.REPLAY_POLICY, ReplayPolicy.Instant.toString()));
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
        String filter = current.getFilterSubject(); // another one asked for is changed in place
        if (wanted.getFilterSubject() == null && filter != null && !filter.isEmpty() && !Subjects.matches(filter, subject)) {
            return "filter subject " + filter + " (so it never gets what the lab publishes to " + subject + ")";
        }
        return null;
    }
}
