package com.uirig.plan;

import com.uirig.model.DesiredHost.CronJob;
import java.util.List;

/** uirig's system crontab file in /etc/cron.d, read by FreeBSD's cron. */
final class Crontab {
    static final String PATH = "/etc/cron.d/uirig";

    private Crontab() {}

    static String render(List<CronJob> jobs) {
        StringBuilder out = new StringBuilder("# Managed by uirig: local changes are overwritten.\n");
        out.append("SHELL=/bin/sh\n");
        out.append("PATH=/etc:/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin\n");
        for (CronJob job : jobs) {
            out.append("# ").append(job.name()).append('\n');
            // crontab(5): a % not escaped with \ becomes a newline and the rest the command's input.
            out.append(job.schedule()).append('\t').append(job.user()).append('\t')
                    .append(job.command().replace("%", "\\%")).append('\n');
        }
        return out.toString();
    }
}
