package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.model.CronSchedule;
import com.uirig.model.DesiredHost;
import com.uirig.plan.FileResource;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cron jobs, the playbook's {@code cron} section: one system crontab file uirig owns,
 * {@code /etc/cron.d/uirig}, which FreeBSD's cron reads with every other file of /etc/cron.d
 * (usr.sbin/cron/cron/database.c). Its state is the file's, read as every owned file is.
 */
public final class CronKind implements Kind<CronKind.Jobs> {
    public static final String KEY = "cron";
    public static final String PATH = "/etc/cron.d/uirig";

    /** A job's name: a word, written as a comment above its line. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** A login name as FreeBSD's pw(8) allows one (at most MAXLOGNAME - 1 = 32 characters). */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

    /** The jobs a host's playbooks declare, in their order. */
    public record Jobs(List<Job> jobs) {
        public Jobs {
            jobs = List.copyOf(jobs);
        }
    }

    /** One line of the crontab: {@code schedule} as cron reads it ({@link CronSchedule}), run as {@code user}. */
    public record Job(String name, String schedule, String user, String command) {}

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Jobs> specType() {
        return Jobs.class;
    }

    @Override
    public Jobs read(YamlValue section, Context context) {
        List<Job> jobs = new ArrayList<>();
        for (var e : section.entries().entrySet()) {
            Job job = job(e.getKey(), e.getValue());
            if (job != null) {
                jobs.add(job);
            }
        }
        return new Jobs(jobs);
    }

    private static Job job(String name, YamlValue v) {
        var f = v.fields(List.of("schedule", "user", "command"), List.of("schedule", "command"));
        String schedule = f.has("schedule") ? f.get("schedule").as(CronSchedule::parse) : null;
        String user = f.has("user") ? f.get("user").as(text -> {
            if (!USER.matcher(text).matches()) {
                throw new IllegalArgumentException("invalid login name '" + text + "' for a cron job's user");
            }
            return text;
        }) : "root";
        // '%' is fine: the crontab escapes it (crontab(5): an unescaped % ends the command).
        String command = f.has("command") ? f.get("command").as(text -> {
            if (text.contains("\n") || text.isBlank()) {
                throw new IllegalArgumentException("a cron command is one non-empty line");
            }
            return text;
        }) : null;
        if (!NAME.matcher(name).matches()) {
            v.error("invalid cron job name '" + name + "'");
            return null;
        }
        return schedule == null || user == null || command == null ? null : new Job(name, schedule, user, command);
    }

    /** The crontab: no other section may write it (the validator says which). */
    @Override
    public List<WrittenFile> writtenFiles(Jobs spec, DesiredHost host) {
        return spec.jobs().isEmpty() ? List.of() : List.of(new WrittenFile(PATH, "the cron jobs"));
    }

    @Override
    public List<Resource> resources(DesiredHost host, Jobs spec, Graph graph) {
        if (spec.jobs().isEmpty()) {
            return List.of();
        }
        return List.of(new FileResource("cron", PATH, render(spec.jobs()), "0644", "root:wheel", List.of()));
    }

    /** The file, in crontab(5)'s system format (with a user field), as cron reads /etc/cron.d. */
    static String render(List<Job> jobs) {
        StringBuilder out = new StringBuilder("# Managed by uirig: local changes are overwritten.\n");
        out.append("SHELL=/bin/sh\n");
        out.append("PATH=/etc:/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin\n");
        for (Job job : jobs) {
            out.append("# ").append(job.name()).append('\n');
            // crontab(5): a % not escaped with \ becomes a newline and the rest the command's input.
            out.append(job.schedule()).append('\t').append(job.user()).append('\t')
                    .append(job.command().replace("%", "\\%")).append('\n');
        }
        return out.toString();
    }
}
