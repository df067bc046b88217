package com.uirig.model;

import java.util.List;
import java.util.Locale;

/**
 * A schedule as FreeBSD's cron reads it (usr.sbin/cron/cron/entry.c, load_entry and get_list):
 * an @-keyword, or five fields (minute, hour, day of month, month, day of week), each a comma list
 * of {@code *}, a number or a range {@code N-M}, optionally with a step {@code /S}; months and
 * days of the week may be written as names (jan, mon). Anything cron would reject is refused with
 * what is wrong.
 */
public final class CronSchedule {
    private static final List<String> KEYWORDS = List.of("reboot", "yearly", "annually", "monthly", "weekly", "daily",
            "midnight", "hourly", "every_minute", "every_second");
    private static final String[] FIELDS = {"minute", "hour", "day of month", "month", "day of week"};
    private static final int[] LOW = {0, 0, 1, 1, 0};
    private static final int[] HIGH = {59, 23, 31, 12, 7};
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    private CronSchedule() {}

    /** The schedule with its fields separated by one space; IllegalArgumentException says what cron would reject. */
    public static String parse(String text) {
        String s = text.trim();
        if (s.startsWith("@")) {
            if (!KEYWORDS.contains(s.substring(1))) {
                throw new IllegalArgumentException("unknown cron keyword '" + s + "' (expected @" + String.join(", @", KEYWORDS) + ")");
            }
            return s;
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("expected five cron fields like '*/5 * * * *', found '" + text + "'");
        }
        for (int i = 0; i < 5; i++) {
            for (String item : fields[i].split(",", -1)) {
                item(i, item);
            }
        }
        return String.join(" ", fields);
    }

    private static void item(int field, String item) {
        String range = item;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            String step = item.substring(slash + 1);
            if (!step.matches("[0-9]+") || Integer.parseInt(step) < 1 || Integer.parseInt(step) > HIGH[field]) {
                throw new IllegalArgumentException("invalid step '" + step + "' in the " + FIELDS[field] + " field");
            }
        }
        if (range.equals("*")) {
            return;
        }
        String[] ends = range.split("-", -1);
        if (ends.length > 2) {
            throw new IllegalArgumentException("invalid range '" + range + "' in the " + FIELDS[field] + " field");
        }
        int first = number(field, ends[0]);
        if (ends.length == 2 && number(field, ends[1]) < first) {
            throw new IllegalArgumentException("the range '" + range + "' in the " + FIELDS[field] + " field runs backwards");
        }
    }

    private static int number(int field, String word) {
        String w = word.toLowerCase(Locale.ROOT);
        List<String> names = field == 3 ? MONTHS : field == 4 ? DAYS : List.of();
        if (names.contains(w)) {
            return names.indexOf(w) + (field == 3 ? 1 : 0);
        }
        if (!w.matches("[0-9]{1,2}")) {
            throw new IllegalArgumentException("'" + word + "' is no " + FIELDS[field] + " (" + LOW[field] + "-" + HIGH[field]
                    + (names.isEmpty() ? "" : " or a name like " + names.get(0)) + ")");
        }
        int n = Integer.parseInt(w);
        if (n < LOW[field] || n > HIGH[field]) {
            throw new IllegalArgumentException(FIELDS[field] + " " + n + " is out of range " + LOW[field] + "-" + HIGH[field]);
        }
        return n;
    }
}
