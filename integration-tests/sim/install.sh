#!/bin/sh
# Turns a Debian root filesystem into a simulated FreeBSD host (run once, at image build).
set -eu
sim=/usr/lib/uirig-sim
chmod 755 $sim/freebsd-sim $sim/start $sim/boot $sim/internet
python3 -m py_compile $sim/freebsd_sim.py $sim/pf_sim.py
gcc -O2 -Wall -o $sim/client $sim/client.c
mkdir -p $sim/linux
# Debian commands whose names FreeBSD uses differently move aside; the simulator takes their names.
for c in sysctl service; do
    if [ -e /usr/sbin/$c ] && [ ! -L /usr/sbin/$c ]; then mv /usr/sbin/$c $sim/linux/$c; fi
done
ln -sf /usr/bin/stat $sim/linux/stat
for c in ifconfig jail jls jexec pfctl kldload kldunload kldstat sysrc service sysctl route pkg zfs sha256 stat lockf; do
    ln -sf $sim/client /usr/sbin/$c
done

# What 'zfs clone' of a jail template gives: a tiny root with /bin/sh.
skel=$sim/jail-skeleton
mkdir -p $skel/bin $skel/etc $skel/var/run $skel/var/db/pkg $skel/tmp $skel/usr/local/etc
cp /bin/dash $skel/bin/sh

groupadd -f wheel
mkdir -p /root/.ssh /run/sshd /jails /etc/cron.d /var/run/uirig-sim
chmod 700 /root/.ssh
rm -f /etc/ssh/ssh_host_*
cat > /etc/ssh/sshd_config.d/uirig-sim.conf <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
CONF

# rc.conf as FreeBSD's installer writes it.
cat > /etc/rc.conf <<'RC'
hostname="freebsd"
ifconfig_em0="DHCP"
sshd_enable="YES"
moused_nondefault_enable="NO"
dumpdev="AUTO"
zfs_enable="YES"
RC
