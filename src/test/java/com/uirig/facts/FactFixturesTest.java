package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.uirig.Golden;
import com.uirig.kinds.SysctlKind;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.Pf;
import com.uirig.model.DesiredHost.PfTable;
import com.uirig.model.KindSpecs;
import com.uirig.plan.Kinds;
import com.uirig.plan.ProbeSections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fact tests as data. Each directory under src/test/resources/facts-fixtures is one case:
 * <ul>
 * <li>{@code section}: the probe section's name ({@link Sections}); for {@code sysctl}, followed
 *     by the names it reads, which the command depends on;
 * <li>{@code command}: the command line {@link ProbeSections} gives that section, or for a
 *     registered kind's fact ({@link Kinds#factOf}) the fact's command (the probe's, for the
 *     names of a sysctl section), whose parser then also gets the exit code;
 * <li>{@code output}: the raw output, byte for byte; {@code exit}: its exit code (default 0);
 * <li>{@code source} (optional): where the output comes from;
 * <li>the expected result: {@code parsed.json}, the parser's return value as JSON, or
 *     {@code error}, the {@link UnreadableOutput} message the parser gives.
 * </ul>
 * The parser runs on the output whatever the exit code (FactsReader skips failed sections; the
 * exit code here says what the real command returns with that output). After a deliberate change,
 * regenerate the expected results with
 * {@code mvn test -Dtest=FactFixturesTest -Duirig.updateGolden=true} and review the diff.
 */
class FactFixturesTest {
    private static final Path ROOT = Path.of("src/test/resources/facts-fixtures");
    private static final Set<String> FILES = Set.of("section", "command", "output", "exit", "source", "parsed.json", "error");

    /** The parser of each kind of section; {@code *} is one path segment (a jail or table name). */
    private static final Map<String, Function<String, Object>> PARSERS = new LinkedHashMap<>();

    static {
        PARSERS.put(Sections.IFCONFIG, IfconfigParser::parse);
        PARSERS.put(Sections.jailIfconfig("*"), IfconfigParser::parse);
        PARSERS.put(Sections.JLS, JlsParser::parse);
        PARSERS.put(Sections.ROUTE, RouteParser::gateway);
        PARSERS.put(Sections.PF_RUNNING, PfctlParser::running);
        PARSERS.put(Sections.table("*"), PfctlParser::tableAddresses);
        PARSERS.put(Sections.file("/etc/rc.conf"), RcConfParser::parse);
    }

    /** Parser results as JSON: sets sorted, maps and lists in the parser's order, Optional as its value or null. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule()
                    .addSerializer(Cidr.class, ToStringSerializer.instance)
                    .addSerializer(new OptionalSerializer())
                    .addSerializer(new SortedSetSerializer()));

    @TestFactory
    Stream<DynamicTest> everyFixture() throws IOException {
        return com.uirig.Fixtures.each(ROOT, FILES, d -> check(d));
    }

    private static void check(Path dir) throws IOException {
        List<String> words = Arrays.asList(read(dir, "section").strip().split("\\s+"));
        String section = words.get(0);
        List<String> arguments = words.subList(1, words.size());
        String command = read(dir, "command");
        assertThat(command).as("%s/command: one line", dir).endsWith("\n").doesNotContain("\r");
        command = command.substring(0, command.length() - 1);
        assertThat(command).doesNotContain("\n");
        if (Files.exists(dir.resolve("exit"))) {
            assertThat(read(dir, "exit").strip()).as("%s/exit", dir).matches("\\d{1,3}");
        }

        String output = read(dir, "output");
        Optional<Fact<?>> kindFact = Kinds.factOf(section);
        Function<String, Object> parser;
        if (kindFact.isPresent()) {
            // A registered kind's fact: its own command and parser, which sees the exit code too.
            String factCommand = arguments.isEmpty() ? kindFact.get().command()
                    : ProbeSections.of(hostFor(section, arguments)).commands().get(section);
            assertThat(factCommand).as("%s: the command of kind fact %s", dir, section).isEqualTo(command);
            int exit = Files.exists(dir.resolve("exit")) ? Integer.parseInt(read(dir, "exit").strip()) : 0;
            parser = out -> kindFact.get().parse(exit, out);
        } else {
            assertThat(ProbeSections.of(hostFor(section, arguments)).commands().get(section))
                    .as("%s: the probe's command for section %s", dir, section).isEqualTo(command);
            parser = parserFor(section);
        }
        Path parsed = dir.resolve("parsed.json");
        Path error = dir.resolve("error");
        Object result;
        try {
            result = parser.apply(output);
        } catch (UnreadableOutput e) {
            expect(error, e.getMessage() + "\n", parsed);
            return;
        }
        expect(parsed, JSON.writeValueAsString(result) + "\n", error);
    }

    /** {@code file} holds {@code actual} and {@code other}, the other kind of expected result, is not there. */
    private static void expect(Path file, String actual, Path other) throws IOException {
        if (Golden.updating()) {
            Files.deleteIfExists(other);
        }
        assertThat(other).as("%s: the parser gave %s", other.getParent(), file.getFileName()).doesNotExist();
        Golden.assertMatches(file, actual);
    }

    private static Function<String, Object> parserFor(String section) {
        for (var e : PARSERS.entrySet()) {
            if (section.matches(Pattern.quote(e.getKey()).replace("*", "\\E[^/]+\\Q"))) {
                return e.getValue();
            }
        }
        throw new AssertionError("no parser for section " + section + " in FactFixturesTest.PARSERS");
    }

    private static final Pattern JAIL_SECTION = Pattern.compile("jail/([^/]+)/.+");
    private static final Pattern TABLE_SECTION = Pattern.compile("pf/table/([^/]+)");

    /**
     * The smallest host whose probe has {@code section}: a jail for a jail's section, a file-backed
     * table for a table, rc.conf settings for rc.conf, the sysctl names for sysctl (its kind's spec).
     */
    private static DesiredHost hostFor(String section, List<String> arguments) {
        assertThat(arguments.isEmpty() || section.equals(SysctlKind.SECTION))
                .as("only section sysctl takes arguments (%s %s)", section, arguments).isTrue();
        Map<String, String> sysctl = new LinkedHashMap<>();
        arguments.forEach(name -> sysctl.put(name, "1"));
        Map<String, Object> specs = new LinkedHashMap<>();
        if (!sysctl.isEmpty()) {
            specs.put(SysctlKind.KEY, new SysctlKind.Settings(sysctl));
        }
        if (section.equals(Sections.file("/etc/rc.conf"))) {
            specs.put(com.uirig.kinds.RcConfKind.KEY, new com.uirig.kinds.RcConfKind.Settings(Map.of("sshd_enable", "YES")));
        }
        Matcher jail = JAIL_SECTION.matcher(section);
        if (jail.matches()) {
            String name = jail.group(1);
            specs.put(com.uirig.kinds.JailsKind.KEY, new com.uirig.kinds.JailsKind.Jails(List.of(new Jail(name, "/jails/" + name,
                    null, Map.of(), List.of(), name, Map.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
                    List.of()))));
        }
        Matcher table = TABLE_SECTION.matcher(section);
        if (table.matches()) {
            String name = table.group(1);
            specs.put(com.uirig.kinds.PfKind.KEY, new Pf("", "", List.of(new PfTable(name, false, Optional.of("/etc/pf." + name),
                    List.of())), Optional.empty()));
        }
        // What every host has: its rc.conf and the packages kind (for pkg's bootstrap).
        specs.putIfAbsent(com.uirig.kinds.RcConfKind.KEY, new com.uirig.kinds.RcConfKind().absent());
        specs.put(com.uirig.kinds.PackagesKind.KEY, new com.uirig.kinds.PackagesKind().absent());
        return new DesiredHost("fixture", new DesiredHost.SshTarget("192.0.2.1", 22, "root", null, null, Optional.empty()),
                Optional.empty(), List.of(), new KindSpecs(specs));
    }

    private static String read(Path dir, String file) throws IOException {
        assertThat(dir.resolve(file)).as("%s/%s", dir, file).isRegularFile();
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class OptionalSerializer extends StdSerializer<Optional> {
        OptionalSerializer() {
            super(Optional.class);
        }

        @Override
        public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isPresent()) {
                provider.defaultSerializeValue(value.get(), gen);
            } else {
                gen.writeNull();
            }
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class SortedSetSerializer extends StdSerializer<Set> {
        SortedSetSerializer() {
            super(Set.class);
        }

        @Override
        public void serialize(Set value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray();
            for (Object o : new TreeSet<>(value)) {
                provider.defaultSerializeValue(o, gen);
            }
            gen.writeEndArray();
        }
    }
}
