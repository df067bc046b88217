"""Filters the benchmark's Ansible playbook uses to compare what a host reports with the files
`uirig render` wrote for it (the controller-side work an Ansible user would put in a plugin)."""
import json
import re

ASSIGNMENT = re.compile(r'^([A-Za-z0-9_]+)="(.*)"$')


def rc_settings(text):
    """key -> value of an rc.conf; a later assignment wins, as in sh."""
    found = {}
    for line in text.splitlines():
        m = ASSIGNMENT.match(line.strip())
        if m:
            found[m.group(1)] = m.group(2)
    return found


def rc_drift(current, rendered):
    """The rendered settings the host's rc.conf does not hold, as sysrc arguments."""
    have = rc_settings(current)
    return ['%s=%s' % (k, v) for k, v in rc_settings(rendered).items() if have.get(k) != v]


def interface_blocks(ifconfig_out):
    blocks, name = {}, None
    for line in ifconfig_out.splitlines():
        m = re.match(r'^(\S+): flags=', line)
        if m:
            name = m.group(1)
            blocks[name] = []
        elif name:
            blocks[name].append(line.strip())
    return blocks


def iface_drift(ifconfig_out, rendered_rc, moved_away=()):
    """What rc.conf's ifconfig_<name> settings ask for and `ifconfig -a` does not show. Interfaces
    that the rc.conf texts in moved_away configure (the jails' ends of epairs) are not checked."""
    blocks = interface_blocks(ifconfig_out)
    elsewhere = {k for text in moved_away for k in rc_settings(text)}
    problems = []
    for key, value in rc_settings(rendered_rc).items():
        if not key.startswith('ifconfig_') or key.endswith('_name') or key in elsewhere:
            continue
        name = key[len('ifconfig_'):]
        if name not in blocks:
            problems.append('%s missing' % name)
            continue
        lines = blocks[name]
        words = value.split()
        for i, word in enumerate(words):
            if '/' in word and word[0].isdigit():
                if not any(l.startswith('inet %s ' % word.split('/')[0]) for l in lines):
                    problems.append('%s lacks %s' % (name, word))
            elif word == 'addm' and i + 1 < len(words):
                if not any(l.startswith('member: %s ' % words[i + 1]) for l in lines):
                    problems.append('%s lacks member %s' % (name, words[i + 1]))
    return problems


def table_drift(show_out, file_text):
    """True when a loaded pf table differs from its file."""
    def entries(text):
        return sorted(l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith('#'))
    return entries(show_out) != entries(file_text)


RULE = re.compile(r'^(pass|block|match|nat|rdr|binat|scrub|antispoof)\b')


def pf_rules(text):
    """The rule lines of what pfctl prints for a loaded ruleset (-sn, -sr), without its noise."""
    return [l.strip() for l in text.splitlines() if RULE.match(l.strip())]


def running_jails(jls_json):
    data = json.loads(jls_json) if jls_json.strip() else {}
    return [j.get('name') for j in data.get('jail-information', {}).get('jail', [])]


class FilterModule(object):
    def filters(self):
        return {'rc_drift': rc_drift, 'iface_drift': iface_drift, 'table_drift': table_drift,
                'running_jails': running_jails, 'pf_rules': pf_rules, 'rc_settings': rc_settings}
