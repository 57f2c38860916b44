// A wall clock a test can step, for end-to-end tests: loaded into the real `ossbatch` with LD_PRELOAD, it adds
// the seconds written in the file $WALLCLOCK_OFFSET_FILE (a decimal number; re-read at most every 10 ms) to
// the time clock_gettime(2) (CLOCK_REALTIME and its coarse variant), gettimeofday(2) and time(2) report, as
// an NTP step or a VM resumed hours later moves it. The monotonic and boot-time clocks pass through untouched,
// as they do when the wall clock is stepped. Without the variable, or while the file cannot be read, the
// offset is 0 (or the last one read). Deadlines the kernel keeps on CLOCK_REALTIME (pthread_cond_timedwait,
// timer_create) do not move with it; ossbatch sets none. Reading a file in clock_gettime is not
// async-signal-safe: ossbatch's signal handler only write(2)s.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime(void) {
    static _Atomic(clock_gettime_fn) real;
    clock_gettime_fn f = atomic_load(&real);
    if (f == NULL) {
        // dlsym is thread-safe; two threads racing here store the same pointer.
        f = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
        atomic_store(&real, f);
    }
    return f;
}

static long long nanoseconds(const struct timespec *ts) { return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec; }

// The offset file's path, read once before main (getenv is not safe beside a setenv on another thread).
static const char *offset_file;
__attribute__((constructor)) static void read_environment(void) { offset_file = getenv("WALLCLOCK_OFFSET_FILE"); }

// The offset in nanoseconds, read from the file when the last read is more than 10 ms old (by the monotonic
// clock). Threads may read the file at once; each stores a whole value. errno is left as the caller had it.
static long long offset_ns(void) {
    static _Atomic long long offset;
    static _Atomic long long next_read;
    const char *file = offset_file;
    if (file == NULL) return 0;
    int saved_errno = errno;
    struct timespec now;
    real_clock_gettime()(CLOCK_MONOTONIC, &now);
    if (nanoseconds(&now) < atomic_load(&next_read)) return atomic_load(&offset);
    atomic_store(&next_read, nanoseconds(&now) + 10000000LL);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char text[64];
        ssize_t n = read(fd, text, sizeof text - 1);
        close(fd);
        if (n > 0) {
            text[n] = 0;
            char *end;
            double seconds = strtod(text, &end);
            if (end != text) atomic_store(&offset, (long long)(seconds * 1e9));
        }
    }
    errno = saved_errno;
    return atomic_load(&offset);
}

static void shift(struct timespec *ts) {
    long long t = nanoseconds(ts) + offset_ns();
    ts->tv_sec = (time_t)(t / 1000000000LL);
    ts->tv_nsec = (long)(t % 1000000000LL);
    if (ts->tv_nsec < 0) {
        ts->tv_nsec += 1000000000L;
        ts->tv_sec -= 1;
    }
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    int result = real_clock_gettime()(id, ts);
    if (result == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) shift(ts);
    return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz;
    struct timespec ts;
    int result = clock_gettime(CLOCK_REALTIME, &ts);
    if (result == 0) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *out) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
    if (out != NULL) *out = ts.tv_sec;
    return ts.tv_sec;
}
