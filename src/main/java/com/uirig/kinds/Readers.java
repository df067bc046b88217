package com.uirig.kinds;

import com.uirig.config.FileLimits;
import com.uirig.config.Origins;
import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.model.DesiredHost.RunOnce;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the host's sections and a jail's read alike: files uirig owns, run-once commands, package
 * names and absolute paths ({@code files}, {@code run_once} and {@code packages} on the host and
 * in each jail).
 */
final class Readers {
    /** Names of jails, pipes, keys and run-once commands: letters, digits and '_'. */
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+@/-]*");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final Pattern OWNER = Pattern.compile("[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*");

    private Readers() {}

    /** An absolute path to a file uirig writes or tests, or null after recording why it is none. */
    static String absolutePath(YamlValue v) {
        return v.as(text -> {
            String problem = pathProblem(text);
            if (problem != null) {
                throw new IllegalArgumentException("expected an absolute file path, found '" + text + "' (" + problem + ")");
            }
            return text;
        });
    }

    /**
     * Why {@code path} cannot name a file uirig writes, or null: it must be absolute and normal (no
     * empty, {@code .} or {@code ..} segments, not {@code /}, no trailing slash), and without white
     * space or quotes (facts and steps name files in shell words and section names).
     */
    static String pathProblem(String path) {
        if (!path.startsWith("/") || path.length() == 1 || path.endsWith("/")) {
            return "an absolute path to a file";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "no empty, '.' or '..' segments";
            }
        }
        if (!path.matches("[^\\s'\"\\\\]+")) {
            return "no spaces, quotes or backslashes";
        }
        return null;
    }

    /**
     * {@code files: {PATH: {content | template, mode, owner}}} on the host ({@code jail} empty) or
     * in {@code jail}; templates are read from {@code dir}, the playbook's directory.
     */
    static List<FileSpec> files(YamlValue section, Path dir, String jail, Origins origins) {
        List<FileSpec> out = new ArrayList<>();
        if (section == null) {
            return out;
        }
        for (var e : section.entries().entrySet()) {
            YamlValue v = e.getValue();
            String path = e.getKey();
            String problem = pathProblem(path);
            if (problem != null) {
                v.error("'" + path + "' is not a file path uirig can write (" + problem + ")");
                continue;
            }
            var f = v.fields(List.of("content", "template", "mode", "owner"), List.of());
            if (f.has("content") == f.has("template")) {
                v.error("give exactly one of 'content' or 'template'");
                continue;
            }
            String content;
            if (f.has("content")) {
                content = f.get("content").text();
            } else {
                String t = f.get("template").text();
                content = t == null ? null : f.get("template").template(dir.resolve(t).normalize(), "template");
            }
            String mode = f.has("mode") ? f.get("mode").as(text -> {
                if (!MODE.matcher(text).matches()) {
                    throw new IllegalArgumentException("expected an octal mode like 0644, found '" + text + "'");
                }
                return text.length() == 3 ? "0" + text : text;
            }) : "0644";
            String owner = f.has("owner") ? f.get("owner").as(text -> {
                if (!OWNER.matcher(text).matches()) {
                    throw new IllegalArgumentException("expected USER:GROUP like root:wheel, found '" + text + "'");
                }
                return text;
            }) : "root:wheel";
            content = content == null ? null : FileLimits.content(f.get(f.has("content") ? "content" : "template"), content);
            if (content != null && mode != null && owner != null) {
                out.add(new FileSpec(path, content, mode, owner));
                origins.put(fileOrigin(jail, path), v);
            }
        }
        return out;
    }

    /** Where a file of the host ({@code jail} empty) or of a jail was written. */
    static String fileOrigin(String jail, String path) {
        return "file." + jail + ":" + path;
    }

    /** {@code run_once: {NAME: {command: ..., creates: /path}}} on the host ({@code jail} empty) or in {@code jail}. */
    static List<RunOnce> runOnce(YamlValue section, String jail, Origins origins) {
        List<RunOnce> out = new ArrayList<>();
        if (section == null || section.isNull()) {
            return out;
        }
        for (var e : section.entries().entrySet()) {
            YamlValue v = e.getValue();
            if (!NAME.matcher(e.getKey()).matches()) {
                v.error("invalid run_once name '" + e.getKey() + "' (letters, digits and '_')");
                continue;
            }
            var f = v.fields(List.of("command", "creates"), List.of("command", "creates"));
            if (!f.has("command") || !f.has("creates")) {
                continue;
            }
            String command = f.get("command").as(text -> {
                if (text.isBlank() || text.contains("\n")) {
                    throw new IllegalArgumentException("a run_once command is one non-empty line");
                }
                return text.strip();
            });
            String creates = absolutePath(f.get("creates"));
            if (command != null && creates != null) {
                out.add(new RunOnce(jail, e.getKey(), command, creates));
                origins.put("run_once." + jail + ":" + e.getKey(), v);
            }
        }
        return out;
    }

    /** A list of package names, each once, as pkg(8) names them. */
    static List<String> packages(YamlValue v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (YamlValue item : v.flatSequence()) {
            String p = item.as(text -> {
                if (!PACKAGE.matcher(text).matches()) {
                    throw new IllegalArgumentException("invalid package name '" + text + "'");
                }
                return text;
            });
            if (p != null && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
