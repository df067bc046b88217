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
     * ignored. {@code host} is the host as read so far: the sections registered before this
     * one, for references such as a VLAN's parent interface.
     */
    S read(YamlValue section, Context context);

    /**
     * Whether a section written without a value ({@code laggs:}) means the host has none, as for
     * a map or a list, rather than a mistake, as for a single value ({@code defaultrouter:}),
     * which {@link #read} then reports.
     */
    default boolean emptyMeansNone() {
        return true;
    }

    /**
     * The spec of a host whose playbooks have no such section, or null when it then has none of
     * the kind: a kind whose resources every host has (the host's rc.conf) gives an empty spec.
     */
    default S absent() {
        return null;
    }

    /**
     * The interfaces the section makes on the host, each with its address if it has one and its
     * {@link Role}: bridges and jails take them as members and VNET interfaces as their roles
     * allow, and a default router may be on one of their subnets.
     */
    default List<Interface> definedInterfaces(S spec) {
        return List.of();
    }

    /**
     * An interface a section makes on the host: its name, its address if it has one, what it is
     * ({@code role}: whether a jail can take it as a VNET interface) and who makes it, in words
     * for messages ({@code NIC}, {@code epair LABEL}, {@code bridge}, {@code interface}).
     */
    record Interface(IfName name, Optional<Cidr> inet, Role role, String owner) {
        /** An interface a kind makes and manages on the host (a lagg, a VLAN). */
        public Interface(IfName name, Optional<Cidr> inet) {
            this(name, inet, Role.MADE, "interface");
        }
    }

    /** What an interface is, for the places it may go: a bridge takes NICs and epair ends, a jail takes them too. */
    enum Role {
        /** A physical NIC, renamed. */
        NIC,
        /** One end of an epair. */
        EPAIR_END,
        /** A bridge: neither a bridge member nor a jail's VNET interface. */
        BRIDGE,
        /** Made by a kind on the host (a lagg, a VLAN), which reads it there: not a jail's. */
        MADE
    }

    /**
     * The interfaces the section gives to something that takes each whole (a bridge's members):
     * the validator refuses an interface given to two of them, or to one and a jail.
     */
    default List<InterfaceUse> interfaceUses(S spec) {
        return List.of();
    }

    /**
     * An interface given to {@code user} ({@code bridge NAME}, {@code jail NAME}), written at
     * origin {@code at}; {@code takes} are the kinds of interface the user can take (a jail takes no
     * bridge and no lagg, a bridge no bridge): only those count, the others are the section's to refuse.
     */
    record InterfaceUse(IfName name, String user, String at, java.util.Set<Role> takes) {}

    /**
     * Checks that need the whole host, after every section is read (a bridge's members may be
     * interfaces of kinds registered after it), or the other hosts of {@code inventory} (an
     * encrypting tunnel needs its peer's decrypting end). Problems are recorded at origins the
     * section put while it was read ({@link Origins#error}).
     */
    default void check(S spec, DesiredHost host, List<DesiredHost> inventory, Origins origins) {}

    /** The jails the section defines, by name: an expectation may be tested from them. */
    default List<String> jailNames(S spec) {
        return List.of();
    }

    /** Records what is valid but likely not meant, as warnings at their origins. */
    default void warn(S spec, Origins origins, Problems.Sink warnings) {}

    /**
     * The files the section writes on the host: the validator refuses a file that two sections,
     * or two entries, would write.
     */
    default List<WrittenFile> writtenFiles(S spec, DesiredHost host) {
        return List.of();
    }

    /**
     * A file a section writes, its writer in words for the validator's message ({@code the cron
     * jobs}), the origin the problem is reported at (null: the section), and what the file is to
     * the section: of two writers of one path the later is reported, in the order of {@link
     * Source}, then of registration.
     */
    record WrittenFile(String path, String writer, String at, Source source) {
        public WrittenFile(String path, String writer, String at) {
            this(path, writer, at, Source.STATE);
        }

        public WrittenFile(String path, String writer) {
            this(path, writer, null, Source.STATE);
        }
    }

    /** What a written file is to its section. */
    enum Source {
        /** The section's own state at a path FreeBSD fixes (rc.conf, pf.conf, jail.conf, the crontab). */
        STATE,
        /** The section's data at a path the playbook chooses (a table's file, a spiped key's copy). */
        DATA,
        /** A file the playbook names whole (a files entry, on the host or in a jail). */
        NAMED
    }

    /**
     * The host's rc.conf settings that give the same state at boot. An {@code rc_conf} entry that
     * would override one of them is refused (or {@code cloned_interfaces}, when
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

    /**
     * What a section may look at while it is read, and {@code origins}, where it records the
     * places of what it read for its {@link #check}.
     */
    record Context(DesiredHost host, Path playbookDir, Origins origins) {}
}
