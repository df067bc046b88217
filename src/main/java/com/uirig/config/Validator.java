package com.uirig.config;

import com.uirig.config.InventoryLoader.LoadedHost;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what only the whole host shows, across its sections: every file uirig writes has one
 * writer, and each interface goes to one bridge or one jail; then what each registered section
 * checks itself against the host and the inventory ({@link PlaybookSection#check}: references
 * resolved, addresses consistent, pf.conf and tables agree, tunnels meet a peer). Problems are
 * recorded where the value was written.
 */
final class Validator {
    private final List<LoadedHost> hosts;

    Validator(List<LoadedHost> hosts) {
        this.hosts = hosts;
    }

    void check() {
        List<DesiredHost> inventory = hosts.stream().map(LoadedHost::desired).toList();
        for (LoadedHost h : hosts) {
            checkInterfaceUses(h.desired(), h.origins());
            checkWriters(h.desired(), h.origins());
            PlaybookSections.forEach(h.desired(), (section, spec) -> section.check(spec, h.desired(), inventory, h.origins()));
        }
    }

    /** Records what is valid but likely not meant (the registered sections say what). */
    void warn(Problems warnings) {
        for (LoadedHost h : hosts) {
            Problems.Sink sink = warnings.forHost(h.desired().name());
            PlaybookSections.forEach(h.desired(), (section, spec) -> section.warn(spec, h.origins(), sink));
        }
    }

    /**
     * Every file uirig writes has exactly one writer (a playbook file on the host or in a jail, a
     * pf table's file, pf.conf, jail.conf, an rc.conf, the crontab, a spiped key's copy in a jail),
     * reported at the later one ({@link PlaybookSection.Source}: state, data, then named files).
     */
    private static void checkWriters(DesiredHost d, Origins o) {
        Map<String, PlaybookSection.WrittenFile> first = new HashMap<>();
        // The sections' state first, then their data, then the files the playbook names.
        for (PlaybookSection.Source source : PlaybookSection.Source.values()) {
            PlaybookSections.writtenFiles(d).forEach((key, files) -> {
                for (PlaybookSection.WrittenFile w : files) {
                    if (w.source() != source) {
                        continue;
                    }
                    PlaybookSection.WrittenFile before = first.putIfAbsent(w.path(), w);
                    if (before != null) {
                        o.error(w.at() == null ? key : w.at(), w.path() + " is written twice: by " + before.writer()
                                + " and by " + w.writer());
                    }
                }
            });
        }
    }

    /**
     * Each interface goes to one place: a bridge or a jail. Only uses of interfaces their user
     * can take count; the sections refuse the others with their own words.
     */
    private static void checkInterfaceUses(DesiredHost d, Origins o) {
        Map<IfName, PlaybookSection.Interface> defined = new LinkedHashMap<>();
        PlaybookSections.interfaces(d).forEach(i -> defined.putIfAbsent(i.name(), i));
        Map<IfName, String> usedBy = new HashMap<>();
        for (PlaybookSection.InterfaceUse u : PlaybookSections.interfaceUses(d)) {
            PlaybookSection.Interface owner = defined.get(u.name());
            if (owner == null || !u.takes().contains(owner.role())) {
                continue;
            }
            String before = usedBy.putIfAbsent(u.name(), u.user());
            if (before != null && !before.equals(u.user())) {
                o.error(u.at(), "'" + u.name() + "' is given to both " + before + " and " + u.user()
                        + ": an interface can be in one bridge or one jail only");
            }
        }
    }
}
