package com.uirig.config;

import com.uirig.model.DesiredHost;
import com.uirig.model.Expectation;
import com.uirig.model.Ipv4;
import com.uirig.model.KindSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads the playbook sections for one host into a {@link DesiredHost}: each registered section
 * reads its own ({@link PlaybookSection}), in registration order, then the expectations, which
 * may name the host's jails. Every value is resolved in the host's scope and typed; where a value
 * came from is kept in {@link Origins} so later checks can point at it.
 */
final class PlaybookReader {
    /** The registered sections, then the expectations (tests, not resources). */
    static final List<String> SECTIONS = Stream.concat(PlaybookSections.keys().stream(), Stream.of("expectations")).toList();

    /** A section as it appears in one playbook file. */
    record Section(YamlValue value, Path playbookDir) {}

    private final Map<String, Section> sections;
    private final Origins origins = new Origins();

    PlaybookReader(Map<String, Section> sections) {
        this.sections = sections;
    }

    Origins origins() {
        return origins;
    }

    /** Reads every section with values resolved in the host's scope. */
    DesiredHost read(String host, DesiredHost.SshTarget ssh, Optional<String> peer) {
        DesiredHost read = readKinds(new DesiredHost(host, ssh, peer, List.of(), KindSpecs.NONE));
        List<String> jailNames = PlaybookSections.jailNames(read);
        List<Expectation> expectations = new ArrayList<>();
        for (var e : entries("expectations").entrySet()) {
            Expectation x = expectation(e.getKey(), e.getValue(), jailNames);
            if (x != null) {
                expectations.add(x);
            }
        }
        return read.withExpectations(expectations);
    }

    /** The registered kinds' sections, in registration order, each seeing the host as read so far. */
    private DesiredHost readKinds(DesiredHost host) {
        Map<String, Object> specs = new LinkedHashMap<>();
        for (PlaybookSection<?> kind : PlaybookSections.all()) {
            Section s = sections.get(kind.key());
            Object spec;
            if (s == null || (s.value().isNull() && kind.emptyMeansNone())) {
                spec = kind.absent();
            } else {
                spec = kind.read(s.value(), new PlaybookSection.Context(host, s.playbookDir(), origins));
                if (spec != null) {
                    origins.put(kind.key(), s.value());
                }
            }
            if (spec != null) {
                specs.put(kind.key(), spec);
                host = host.withKinds(new KindSpecs(specs));
            }
        }
        return host;
    }

    private Map<String, YamlValue> entries(String name) {
        YamlValue v = section(name);
        return v == null || v.isNull() ? Map.of() : v.entries();
    }

    private YamlValue section(String name) {
        Section s = sections.get(name);
        return s == null ? null : s.value();
    }

    private static <T> T parse(YamlValue v, Function<String, T> parser) {
        return v == null ? null : v.as(parser);
    }

    /**
     * One expectation: {@code from} orchestrator, host or a jail of {@code jails}; {@code to} an IPv4
     * address; {@code tcp} a port; {@code expect} open or closed; optional {@code send} and
     * {@code receive} (open only) and {@code timeout} in seconds.
     */
    private Expectation expectation(String name, YamlValue v, List<String> jails) {
        var f = v.fields(List.of("from", "to", "tcp", "expect", "send", "receive", "timeout"),
                List.of("from", "to", "tcp", "expect"));
        String from = parse(f.get("from"), text -> {
            boolean keyword = text.equals(Expectation.ORCHESTRATOR) || text.equals(Expectation.HOST);
            if (keyword && jails.contains(text)) {
                throw new IllegalArgumentException("'" + text + "' is both a jail's name and a keyword of 'from'");
            }
            if (!keyword && !jails.contains(text)) {
                throw new IllegalArgumentException("expected orchestrator, host or a jail of this host"
                        + (jails.isEmpty() ? "" : " (" + String.join(", ", jails) + ")") + ", found '" + text + "'");
            }
            return text;
        });
        Ipv4 to = parse(f.get("to"), Ipv4::parse);
        Integer port = f.has("tcp") ? f.get("tcp").integer(1, 65535) : null;
        Expectation.Reach expect = parse(f.get("expect"), text -> switch (text) {
            case "open" -> Expectation.Reach.OPEN;
            case "closed" -> Expectation.Reach.CLOSED;
            default -> throw new IllegalArgumentException("expected open or closed, found '" + text + "'");
        });
        Optional<String> send = Optional.empty();
        if (f.has("send")) {
            send = Optional.ofNullable(f.get("send").text());
            if (send.isEmpty()) {
                return null;
            }
        }
        Optional<String> receive = Optional.empty();
        if (f.has("receive")) {
            receive = Optional.ofNullable(f.get("receive").text());
            if (receive.isEmpty()) {
                return null;
            }
            if (receive.get().isEmpty()) {
                f.get("receive").error("'receive' cannot be empty");
                return null;
            }
        }
        Integer timeout = f.has("timeout") ? f.get("timeout").integer(1, Expectation.MAX_TIMEOUT)
                : Integer.valueOf(Expectation.DEFAULT_TIMEOUT);
        if (expect == Expectation.Reach.CLOSED) {
            for (String key : List.of("send", "receive")) {
                if (f.has(key)) {
                    f.get(key).error("'" + key + "' needs 'expect: open' (a closed port cannot answer)");
                    return null;
                }
            }
        }
        if (!Expectation.NAME.matcher(name).matches()) {
            v.error("invalid expectation name '" + name + "' (letters, digits and '_')");
            return null;
        }
        if (from == null || to == null || port == null || expect == null || timeout == null) {
            return null;
        }
        origins.put("expect." + name, v);
        return new Expectation(name, from, to, port, expect, send, receive, timeout);
    }

}
