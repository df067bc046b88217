/*
 * The fast path of the simulated FreeBSD commands (every command name links here). Starting
 * Python for each command costs ~20 ms where FreeBSD's own commands take 1-2 ms, which would make
 * the simulated hosts, not the tools under test, dominate a benchmark. So this client hands the
 * command (its name, arguments, working directory, environment and its stdin/stdout/stderr) to
 * the simulator's server, a warm Python process that forks once per command, and exits with the
 * command's status.
 *
 * It runs the simulator directly instead when the server is not there (at boot), when the
 * command runs in another network namespace (inside a VNET jail): the server's forks live in the
 * host's namespace, and when the caller is not root: the server runs as root, and a user must
 * not gain root's powers through it (the simulator then fails as FreeBSD does for that user).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SOCKET_PATH "/run/uirig-sim.sock"
#define SIMULATOR "/usr/lib/uirig-sim/freebsd-sim"

extern char **environ;

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void run_directly(int argc, char **argv) {
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args) {
        perror("freebsd-sim");
        exit(1);
    }
    args[0] = SIMULATOR;
    args[1] = (char *)base_name(argv[0]);
    for (int i = 1; i < argc; i++) {
        args[i + 1] = argv[i];
    }
    execv(SIMULATOR, args);
    perror(SIMULATOR);
    exit(127);
}

static int in_host_namespace(void) {
    char mine[64], host[64];
    ssize_t a = readlink("/proc/self/ns/net", mine, sizeof mine);
    ssize_t b = readlink("/proc/1/ns/net", host, sizeof host);
    return a > 0 && a == b && memcmp(mine, host, (size_t)a) == 0;
}

/* Appends a string and its terminating NUL to the message. */
static int append(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s) + 1;
    if (*len + n > *cap) {
        size_t bigger = (*cap + n) * 2;
        char *grown = realloc(*buf, bigger);
        if (!grown) {
            return -1;
        }
        *buf = grown;
        *cap = bigger;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    return 0;
}

static int write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0) {
            run_directly(argc, argv); /* a closed standard descriptor cannot be passed on */
        }
    }
    if (getuid() != 0 || geteuid() != 0 || !in_host_namespace()) {
        run_directly(argc, argv);
    }
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, SOCKET_PATH, sizeof addr.sun_path - 1);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        run_directly(argc, argv);
    }

    /* The message: argc, argv (the command's name first), cwd, then the environment. */
    char *msg = NULL, number[16], cwd[4096];
    size_t len = 0, cap = 0;
    snprintf(number, sizeof number, "%d", argc);
    if (!getcwd(cwd, sizeof cwd)) {
        strcpy(cwd, "/");
    }
    int failed = append(&msg, &len, &cap, number) || append(&msg, &len, &cap, base_name(argv[0]));
    for (int i = 1; i < argc && !failed; i++) {
        failed = append(&msg, &len, &cap, argv[i]);
    }
    failed = failed || append(&msg, &len, &cap, cwd);
    for (char **e = environ; *e && !failed; e++) {
        failed = append(&msg, &len, &cap, *e);
    }
    if (failed) {
        run_directly(argc, argv);
    }

    /* First the three standard descriptors, then the message's length and the message. */
    char one = 0;
    struct iovec iov = {.iov_base = &one, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } control;
    struct msghdr hdr = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&hdr);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(3 * sizeof(int));
    int fds[3] = {0, 1, 2};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    uint32_t size = (uint32_t)len;
    if (sendmsg(sock, &hdr, 0) != 1 || write_all(sock, &size, sizeof size) || write_all(sock, msg, len)) {
        perror("freebsd-sim: sending the command to the simulator");
        return 1;
    }

    int32_t status;
    size_t got = 0;
    while (got < sizeof status) {
        ssize_t n = read(sock, (char *)&status + got, sizeof status - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "freebsd-sim: the simulator ended without an exit status\n");
            return 1;
        }
        got += (size_t)n;
    }
    return status;
}
