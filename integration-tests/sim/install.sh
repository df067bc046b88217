#!/bin/sh
# Turns a Debian root filesystem into a simulated FreeBSD host (run once, at image build).
set -eu
sim=/usr/lib/uirig-sim
chmod 755 $sim/freebsd-sim $sim/start $sim/boot $sim/internet
# Every module of the simulator (not the tests': test_*.py, sim_testing.py, pf_testing.py);
# test_freebsd_sim.py checks that this list names them all.
python3 -m py_compile $sim/freebsd_sim.py $sim/ifconfig_sim.py $sim/jail_sim.py $sim/net_sim.py $sim/sysrc_sim.py \
    $sim/files_sim.py $sim/cron_sim.py $sim/pkg_sim.py $sim/rc_sim.py \
    $sim/pf_sim.py $sim/pf_lex.py $sim/pf_addr.py $sim/pf_print.py $sim/pf_optimize.py $sim/pf_parse.py \
    $sim/pf_kernel.py $sim/pf_nft.py $sim/pfctl_sim.py
gcc -O2 -Wall -o $sim/client $sim/client.c
mkdir -p $sim/linux
# Debian commands whose names FreeBSD uses differently move aside; the simulator takes their names.
for c in sysctl service; do
    if [ -e /usr/sbin/$c ] && [ ! -L /usr/sbin/$c ]; then mv /usr/sbin/$c $sim/linux/$c; fi
done
ln -sf /usr/bin/stat $sim/linux/stat
for c in ifconfig jail jls jexec pfctl kldload kldunload kldstat sysrc service sysctl route pkg zfs sha256 stat lockf \
        daemon; do
    ln -sf $sim/client /usr/sbin/$c
done

# Debian's server packages are in the image only for their binaries (the simulated pkg installs
# them into jails). FreeBSD has no database cluster until 'service postgresql initdb'
# (databases/postgresql16-server/files/postgresql.in), so the cluster Debian's postinst made is
# removed; the binaries stay in /usr/lib/postgresql/15/bin, the postgres user stays. Nothing starts
# Debian's nginx (no init system in the container); its default site goes so that no nginx run
# with Debian's configuration serves it.
rm -rf /etc/postgresql/*/main /var/lib/postgresql/*/main /var/log/postgresql/*
rm -f /etc/nginx/sites-enabled/default
# A FreeBSD host or jail has node, nginx, spiped and psql only once pkg installed them there: the
# Debian programs move aside (the simulated packages run them from $sim/linux).
for p in /usr/bin/node /usr/sbin/nginx /usr/bin/spiped; do
    if [ -e $p ] && [ ! -L $p ]; then mv $p $sim/linux/; fi
done
rm -f /usr/bin/psql

# What 'zfs clone' of a jail template built from base.txz gives: a tiny root with /bin/sh.
# base.txz has an empty /var/db/pkg (etc/mtree/BSD.var.dist) and no /etc/resolv.conf (dhclient or
# the operator writes it) and nothing under /usr/local/etc/rc.d (packages install their scripts).
# /dev and /root are in etc/mtree/BSD.root.dist: /dev is where mount.devfs puts the jail's devfs.
skel=$sim/jail-skeleton
mkdir -p $skel/bin $skel/dev $skel/root $skel/etc $skel/var/run $skel/var/log $skel/var/tmp $skel/var/cache $skel/var/db/pkg $skel/tmp $skel/usr/local/etc
cp /bin/dash $skel/bin/sh
rm -f $skel/etc/resolv.conf
rm -rf $skel/usr/local/etc/rc.d
find $skel/var/db/pkg -mindepth 1 -delete
# /etc/rc.subr (libexec/rc/rc.subr) and /etc/pkg/FreeBSD.conf (usr.sbin/pkg/FreeBSD.conf.*) are
# both in base, so on the host and in every jail.
if [ -f $sim/rc.subr ]; then
    cp $sim/rc.subr /etc/rc.subr
    cp $sim/rc.subr $skel/etc/rc.subr
fi
if [ -f $sim/pkg-FreeBSD.conf ]; then
    mkdir -p /etc/pkg $skel/etc/pkg
    cp $sim/pkg-FreeBSD.conf /etc/pkg/FreeBSD.conf
    cp $sim/pkg-FreeBSD.conf $skel/etc/pkg/FreeBSD.conf
fi

groupadd -f wheel
# FreeBSD's base has user and group www, 80 (etc/master.passwd, etc/group); nginx runs as it.
getent group www >/dev/null || groupadd -g 80 www
getent passwd www >/dev/null || useradd -u 80 -g www -d /nonexistent -M -s /usr/sbin/nologin -c 'World Wide Web Owner' www

# The administrator a FreeBSD installer leaves: bsdinstall's "Add Users" step runs adduser(8),
# whose defaults are a login group of the user's name, home /home/NAME and shell /bin/sh; the
# operator invites the user into wheel. No password: the key in ~/.ssh is the way in ('*' rather
# than Debian's locked '!', which sshd would refuse were PAM off).
if ! getent passwd admin >/dev/null; then
    useradd -m -d /home/admin -s /bin/sh -U -G wheel -p '*' -c 'Administrator' admin
fi
mkdir -p /home/admin/.ssh
chmod 700 /home/admin/.ssh
chown admin:admin /home/admin/.ssh

# security/doas: /usr/local/bin/doas (setuid, pkg-plist), configured by /usr/local/etc/doas.conf
# (files/pkg-message). Debian's opendoas is the binary; it reads only /etc/doas.conf, so that is a
# link to the FreeBSD path. opendoas opens the file through the link and refuses it unless it is
# owned by root and not writable by group or other: root-owned 0644 is what it accepts.
ln -sf /usr/bin/doas /usr/local/bin/doas
mkdir -p /usr/local/etc
printf 'permit nopass :wheel\n' > /usr/local/etc/doas.conf
chown root:root /usr/local/etc/doas.conf
chmod 644 /usr/local/etc/doas.conf
ln -sf /usr/local/etc/doas.conf /etc/doas.conf
# security/sudo: /usr/local/bin/sudo; its sudoers' wheel rule, the one an operator uncomments for
# automation, lives in Debian's /etc/sudoers.d (what Debian's sudo reads), and FreeBSD's drop-in
# directory /usr/local/etc/sudoers.d is the same directory. sudoers files must be 0440 root.
ln -sf /usr/bin/sudo /usr/local/bin/sudo
printf '%%wheel ALL=(ALL:ALL) NOPASSWD: ALL\n' > /etc/sudoers.d/wheel
chmod 440 /etc/sudoers.d/wheel
ln -sfn /etc/sudoers.d /usr/local/etc/sudoers.d

# A fresh FreeBSD has no crontab of its own in /etc/cron.d (Debian's e2scrub_all is not FreeBSD's).
rm -f /etc/cron.d/*
mkdir -p /root/.ssh /run/sshd /jails /etc/cron.d /var/run/uirig-sim
chmod 700 /root/.ssh
rm -f /etc/ssh/ssh_host_*
# FreeBSD's sshd refuses root (crypto/openssh/sshd_config: "#PermitRootLogin no", FreeBSD's
# default). Keys only: the tests have no passwords. start can switch root logins on for the
# benchmark (UIRIG_SIM_PERMIT_ROOT=yes). PATH: FreeBSD's sshd sets it from login.conf's default
# class (":path=/sbin /bin /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin ~/bin:", without ~/bin
# here), for every session, exec channels included. Debian's sshd would give a non-root user
# /usr/local/bin:/usr/bin:/bin:/usr/games; SetEnv is applied after PAM's environment
# (session.c, do_setup_env), so it wins.
cat > /etc/ssh/sshd_config.d/uirig-sim.conf <<'CONF'
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
SetEnv PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin
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
