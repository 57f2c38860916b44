/* The floor for planning a tree: list every directory and fstatat every regular file, nothing else,
 * with the root's subdirectories shared among one thread per core (as ossbatch's walker does).
 * Prints "FILES BYTES". Used by Benchmarks/plan/run.sh as a baseline; not part of ossbatch. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int root_fd;
static char **subdirs;
static int subdir_count;
static atomic_int next_subdir;

struct totals { long files, bytes; };

static int is_dot(const char *name) { return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])); }

static void walk(int fd, struct totals *t) {
    DIR *d = fdopendir(fd);
    if (!d) { close(fd); return; }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (is_dot(e->d_name)) continue;
        if (e->d_type == DT_DIR) {
            int child = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (child >= 0) walk(child, t);
        } else if (e->d_type == DT_REG) {
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) { t->files++; t->bytes += st.st_size; }
        }
    }
    closedir(d);
}

static void *worker(void *arg) {
    struct totals *t = arg;
    for (int i; (i = atomic_fetch_add(&next_subdir, 1)) < subdir_count;) {
        int fd = openat(root_fd, subdirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) walk(fd, t);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: statwalk DIR\n"); return 2; }
    root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *root = fdopendir(dup(root_fd));
    if (root_fd < 0 || !root) { perror(argv[1]); return 1; }
    struct totals top = {0, 0};
    subdirs = calloc(1 << 16, sizeof *subdirs);
    struct dirent *e;
    while ((e = readdir(root))) {
        if (is_dot(e->d_name)) continue;
        if (e->d_type == DT_DIR && subdir_count < (1 << 16)) subdirs[subdir_count++] = strdup(e->d_name);
        else if (e->d_type == DT_REG) {
            struct stat st;
            if (fstatat(root_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) { top.files++; top.bytes += st.st_size; }
        }
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    pthread_t threads[cores];
    struct totals each[cores];
    for (long i = 0; i < cores; i++) { each[i] = (struct totals){0, 0}; pthread_create(&threads[i], NULL, worker, &each[i]); }
    for (long i = 0; i < cores; i++) { pthread_join(threads[i], NULL); top.files += each[i].files; top.bytes += each[i].bytes; }
    printf("%ld %ld\n", top.files, top.bytes);
    return 0;
}
