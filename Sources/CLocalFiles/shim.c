// sys/statfs.h is left out of Swift's Glibc module, so statfs is reached from C (as swift-nio's CNIOLinux does).
#include <sys/statfs.h>

#include "CLocalFiles.h"

static void clocalfiles_file_system(const struct statfs *s, uint64_t *type, uint64_t *id) {
    *type = (uint64_t)s->f_type;
    *id = (uint64_t)(uint32_t)s->f_fsid.__val[0] << 32 | (uint32_t)s->f_fsid.__val[1];
}

int clocalfiles_statfs(const char *path, uint64_t *type, uint64_t *id) {
    struct statfs s;
    if (statfs(path, &s) != 0) return -1;
    clocalfiles_file_system(&s, type, id);
    return 0;
}

int clocalfiles_fstatfs(int fd, uint64_t *type, uint64_t *id) {
    struct statfs s;
    if (fstatfs(fd, &s) != 0) return -1;
    clocalfiles_file_system(&s, type, id);
    return 0;
}
