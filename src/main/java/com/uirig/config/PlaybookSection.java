package com.uirig.config;

import com.uirig.model.DesiredHost;
import com.uirig.model.Cidr;
import com.uirig.model.IfName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A playbook section that a resource kind reads itself (the kind's schema and its validation), so
 * adding a kind needs no change to the reader: it is found through {@link PlaybookSections}.
 *
 * @param <S> the typed value the section holds for one host
 */
public interface PlaybookSection<S> {
    /** The section's name in a playbook, such as {@code vlans}. */
    String key();

    /** The type of what {@link #read} returns. */
    Class<S> specType();

    /**
     * Reads the section, resolved in the host's scope. Every problem is recorded at the value it is
     * about ({@link YamlValue#error}), so the user sees file, line and column; the result is then
     * ignored. {@code host} is the host as read so far: every built-in section and the kinds
     * registered before this one, for references such as a VLAN's parent interface.
     */
    S read(YamlValue section, Context context);

    /**
     * The interfaces the section makes on the host, each with its address if it has one: the
     * validator then accepts them as bridge members and a default router on one of their subnets
     * (not as a jail's VNET interfaces: a kind reads its interfaces on the host).
     */
    default List<Interface> definedInterfaces(S spec) {
        return List.of();
    }

    /** An interface a section makes on the host. */
    record Interface(IfName name, Optional<Cidr> inet) {}

    /**
     * The files the section writes on the host: the validator refuses a file that two sections,
     * or two entries, would write.
     */
    default List<WrittenFile> writtenFiles(S spec) {
        return List.of();
    }

    /** A file a section writes, and its writer in words for the validator's message ({@code the cron jobs}). */
    record WrittenFile(String path, String writer) {}

    /**
     * The host's rc.conf settings that give the same state at boot. The reader refuses an
     * {@code rc_conf} entry that would override one of them (or {@code cloned_interfaces}, when
     * the kind adds to it): the boot would then differ from what apply made.
     */
    default RcConf rcConf(S spec) {
        return RcConf.NONE;
    }

    /**
     * rc.conf settings of a kind: interfaces to add to {@code cloned_interfaces} (rc.d/netif creates
     * them, in order, before it configures any interface), then variables.
     */
    record RcConf(List<String> cloned, java.util.Map<String, String> settings) {
        public static final RcConf NONE = new RcConf(List.of(), java.util.Map.of());
    }

    /** What a section may look at while it is read. */
    record Context(DesiredHost host, Path playbookDir) {}
}
