package com.uirig.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses one YAML file into a node tree with positions. Only composes nodes: no object is
 * ever constructed from the document, so tags cannot instantiate anything.
 */
public final class YamlFile {
    private YamlFile() {}

    /** The file's single document, or empty after recording why it could not be read. */
    public static Optional<Node> parse(Path path, Problems.Sink sink) {
        String name = displayName(path);
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(4 * 1024 * 1024);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        String text;
        try {
            text = TextFile.read(path);
        } catch (TextFile.Unreadable e) {
            sink.add(e.at(name), "", e.getMessage());
            return Optional.empty();
        }
        try (Reader reader = new java.io.StringReader(text)) {
            Iterator<Node> documents = yaml.composeAll(reader).iterator();
            if (!documents.hasNext()) {
                sink.add(new Location(name, 1, 1), "", "the file is empty");
                return Optional.empty();
            }
            Node document = documents.next();
            if (documents.hasNext()) {
                Node second = documents.next();
                sink.add(at(name, second.getStartMark()), "", "only one YAML document is allowed per file");
                return Optional.empty();
            }
            return Optional.of(document);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            sink.add(mark != null ? at(name, mark) : new Location(name, 1, 1), "",
                    "YAML syntax error: " + problem + context);
        } catch (YAMLException e) {
            sink.add(new Location(name, 1, 1), "", "YAML error: " + e.getMessage());
        } catch (IOException e) {
            sink.add(new Location(name, 1, 1), "", "cannot read the file");
        }
        return Optional.empty();
    }

    static Location at(String file, Mark mark) {
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** A path as the user would type it: relative to the working directory when below it. */
    public static String displayName(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
