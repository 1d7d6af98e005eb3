/*
 * LD_PRELOAD recorder: which environment variables, files, directory listings
 * and programs a process (rustc with its proc macros, or a build script) uses,
 * and, inside rustc, which proc macro asked. rustc's dep-info records none of
 * what a proc macro reads; this sees it at the libc boundary.
 *
 * Linux/glibc only. Records only when NX_CARGO_RECORD_DIR names an absolute
 * directory; then each process image writes `<dir>/<pid>-<start ns>.rec`: a
 * header line, then one line per event, each written with one write(2) to an
 * O_APPEND descriptor. The format is in README.md beside this file.
 *
 * Attribution: a call whose return address lies outside every object that was
 * loaded when the process started (a proc macro `.so` that rustc dlopens) is
 * attributed to that object's path (dladdr); every other call belongs to the
 * program itself. Objects present at startup are recorded once, so the common
 * case costs a few comparisons.
 *
 * Never allocates: hooks run inside any libc caller, including ones that hold
 * malloc's or the loader's locks. The library's own libc calls are not
 * recorded (a thread-local guard).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Not <sys/stat.h>: older glibc headers define stat() as an inline wrapper,
 * which would clash with the definitions below. Buffers are passed through. */
struct stat;
struct stat64;
struct statx;

#define FORMAT "nxrec1"
#define EVENT_BYTES 16384
#define EXEC_BYTES 65536
#define MAX_RANGES 1024
/* The log's descriptor is moved up here, away from the low numbers a program
 * gets after closing every descriptor (closefrom, close_range, Python's
 * close_fds): a write then fails with EBADF instead of landing in the
 * program's own file, and the log is reopened. */
#define HIGH_FD 1000

static int enabled;
static int attribute = 1;
static int out_fd = -1;
static char out_path[4096];
static int init_state; /* 0 not started, 1 running, 2 done */
static __thread int busy __attribute__((tls_model("initial-exec")));

struct range {
  uintptr_t lo, hi;
};
/* Code address range of each object present at startup. */
static struct range startup_code[MAX_RANGES];
static int startup_count;
static int startup_overflow;

/* ---- the real functions ------------------------------------------------ */

static void *next_symbol(void **slot, const char *name) {
  void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!fn) {
    fn = dlsym(RTLD_NEXT, name);
    __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
  }
  return fn;
}

#define REAL(type, name)                                    \
  static void *real_##name##_slot;                          \
  static type real_##name(void) {                           \
    return (type)next_symbol(&real_##name##_slot, #name);   \
  }

typedef char *(*getenv_fn)(const char *);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*stat_fn)(const char *, void *);
typedef int (*fstatat_fn)(int, const char *, void *, int);
typedef int (*xstat_fn)(int, const char *, void *);
typedef int (*fxstatat_fn)(int, int, const char *, void *, int);
typedef int (*statx_fn)(int, const char *, int, unsigned, void *);
typedef int (*access_fn)(const char *, int);
typedef int (*faccessat_fn)(int, const char *, int, int);
typedef char *(*realpath_fn)(const char *, char *);
typedef DIR *(*opendir_fn)(const char *);
typedef DIR *(*fdopendir_fn)(int);
typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]);
typedef long (*syscall_fn)(long, ...);

REAL(getenv_fn, getenv)
REAL(getenv_fn, secure_getenv)
REAL(open_fn, open)
REAL(open_fn, open64)
REAL(openat_fn, openat)
REAL(openat_fn, openat64)
REAL(open2_fn, __open_2)
REAL(open2_fn, __open64_2)
REAL(openat2_fn, __openat_2)
REAL(openat2_fn, __openat64_2)
REAL(fopen_fn, fopen)
REAL(fopen_fn, fopen64)
REAL(stat_fn, stat)
REAL(stat_fn, stat64)
REAL(stat_fn, lstat)
REAL(stat_fn, lstat64)
REAL(fstatat_fn, fstatat)
REAL(fstatat_fn, fstatat64)
REAL(xstat_fn, __xstat)
REAL(xstat_fn, __xstat64)
REAL(xstat_fn, __lxstat)
REAL(xstat_fn, __lxstat64)
REAL(fxstatat_fn, __fxstatat)
REAL(fxstatat_fn, __fxstatat64)
REAL(statx_fn, statx)
REAL(access_fn, access)
REAL(faccessat_fn, faccessat)
REAL(realpath_fn, realpath)
REAL(opendir_fn, opendir)
REAL(fdopendir_fn, fdopendir)
REAL(execve_fn, execve)
REAL(execv_fn, execv)
REAL(execv_fn, execvp)
REAL(execve_fn, execvpe)
REAL(spawn_fn, posix_spawn)
REAL(spawn_fn, posix_spawnp)
REAL(syscall_fn, syscall)

/* ---- one line, built on the caller's stack ------------------------------ */

struct line {
  char *buf;
  size_t cap; /* room left for the cut marker and the newline */
  size_t len;
  int fields;
  int cut;
};

static void line_init(struct line *l, char *buf, size_t size) {
  l->buf = buf;
  l->cap = size - 4;
  l->len = 0;
  l->fields = 0;
  l->cut = 0;
}

static void put_bytes(struct line *l, const char *s, size_t n) {
  if (l->cut) return;
  if (l->len + n > l->cap) {
    l->cut = 1;
    return;
  }
  memcpy(l->buf + l->len, s, n);
  l->len += n;
}

/* Fields are tab-separated; `\`, tab, newline and other control bytes are
 * escaped so any byte string (a path, an argument) fits on one line. */
static void put_escaped(struct line *l, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n && !l->cut; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[4];
    if (c == '\\') put_bytes(l, "\\\\", 2);
    else if (c == '\t') put_bytes(l, "\\t", 2);
    else if (c == '\n') put_bytes(l, "\\n", 2);
    else if (c < 0x20 || c == 0x7f) {
      esc[0] = '\\';
      esc[1] = 'x';
      esc[2] = hex[c >> 4];
      esc[3] = hex[c & 15];
      put_bytes(l, esc, 4);
    } else if (l->len < l->cap) l->buf[l->len++] = (char)c;
    else l->cut = 1;
  }
}

static void start_field(struct line *l) {
  if (l->fields++ > 0) put_bytes(l, "\t", 1);
}

static void put_field(struct line *l, const char *s) {
  start_field(l);
  if (s) put_escaped(l, s, strlen(s));
}

/* Decimal digits of v into out (24 bytes is enough), returning the length. */
static int format_number(char *out, long long v) {
  char digits[24];
  int n = 0;
  unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
  do {
    digits[sizeof digits - 1 - n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) digits[sizeof digits - 1 - n++] = '-';
  memcpy(out, digits + sizeof digits - n, n);
  return n;
}

static void put_number(struct line *l, long long v) {
  char digits[24];
  put_bytes(l, digits, format_number(digits, v));
}

static int place_high(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, HIGH_FD);
  if (high < 0) return fd; /* a low descriptor limit: keep the one we have */
  close(fd);
  return high;
}

static void emit(const char *buf, size_t len) {
  int fd = __atomic_load_n(&out_fd, __ATOMIC_ACQUIRE);
  if (write(fd, buf, len) >= 0 || errno != EBADF) return;
  fd = real_open()(out_path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return;
  fd = place_high(fd);
  __atomic_store_n(&out_fd, fd, __ATOMIC_RELEASE);
  ssize_t ignored = write(fd, buf, len);
  (void)ignored;
}

/* A line cut at the size limit ends with the field `\!`, which escaping never
 * produces. */
static void line_write(struct line *l) {
  if (l->cut) {
    memcpy(l->buf + l->len, "\t\\!", 3);
    l->len += 3;
  }
  l->buf[l->len++] = '\n';
  emit(l->buf, l->len);
}

/* ---- startup objects and attribution ------------------------------------ */

static int note_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (start < lo) lo = start;
    if (start + ph->p_memsz > hi) hi = start + ph->p_memsz;
  }
  if (hi == 0) return 0;
  if (startup_count == MAX_RANGES) {
    startup_overflow = 1;
    return 1;
  }
  startup_code[startup_count].lo = lo;
  startup_code[startup_count].hi = hi;
  startup_count++;
  return 0;
}

static int at_startup(uintptr_t addr) {
  for (int i = 0; i < startup_count; i++) {
    if (addr >= startup_code[i].lo && addr < startup_code[i].hi) return 1;
  }
  return 0;
}

/* The object a call came from: empty for the program itself, `?` when it
 * cannot be told. */
static void put_caller(struct line *l, void *caller) {
  start_field(l);
  if (!attribute) return;
  if (startup_overflow) {
    put_bytes(l, "?", 1);
    return;
  }
  if (at_startup((uintptr_t)caller)) return;
  Dl_info info;
  if (dladdr(caller, &info) && info.dli_fname && info.dli_fname[0]) {
    put_escaped(l, info.dli_fname, strlen(info.dli_fname));
  } else {
    put_bytes(l, "?", 1);
  }
}

/* ---- paths --------------------------------------------------------------- */

static int fd_path(int fd, char *out, size_t size) {
  char link[48] = "/proc/self/fd/";
  link[14 + format_number(link + 14, fd)] = 0;
  ssize_t n = readlink(link, out, size - 1);
  if (n < 0) return -1;
  out[n] = 0;
  return 0;
}

/* A path as the kernel resolves it: relative ones against the working
 * directory or the directory fd, so readers never need the process's cwd. */
static void put_path(struct line *l, int dirfd, const char *path) {
  start_field(l);
  if (!path) return;
  if (path[0] != '/') {
    char base[4096];
    int ok = dirfd == AT_FDCWD ? getcwd(base, sizeof base) != NULL : fd_path(dirfd, base, sizeof base) == 0;
    if (ok) {
      put_escaped(l, base, strlen(base));
      if (path[0]) put_bytes(l, "/", 1);
    }
  }
  put_escaped(l, path, strlen(path));
}

/* ---- events --------------------------------------------------------------- */

static void put_result(struct line *l, int ok, int err) {
  start_field(l);
  if (ok) put_bytes(l, "found", 5);
  else if (err == ENOENT || err == ENOTDIR) put_bytes(l, "absent", 6);
  else {
    put_bytes(l, "error:", 6);
    put_number(l, err);
  }
}

static void record_path(const char *kind, const char *op, void *caller, int dirfd, const char *path,
                        int ok, int err, const char *access) {
  char buf[EVENT_BYTES];
  struct line l;
  line_init(&l, buf, sizeof buf);
  put_field(&l, kind);
  put_field(&l, op);
  put_caller(&l, caller);
  put_result(&l, ok, err);
  put_path(&l, dirfd, path);
  if (access) put_field(&l, access);
  line_write(&l);
}

static void record_env(const char *op, void *caller, const char *name, int found) {
  char buf[EVENT_BYTES];
  struct line l;
  line_init(&l, buf, sizeof buf);
  put_field(&l, "env");
  put_field(&l, op);
  put_caller(&l, caller);
  put_field(&l, found ? "found" : "absent");
  put_field(&l, name);
  line_write(&l);
}

static void record_exec(const char *op, void *caller, const char *program, char *const argv[]) {
  char buf[EXEC_BYTES];
  struct line l;
  line_init(&l, buf, sizeof buf);
  put_field(&l, "exec");
  put_field(&l, op);
  put_caller(&l, caller);
  put_field(&l, "-");
  put_field(&l, program);
  for (int i = 0; argv && argv[i]; i++) put_field(&l, argv[i]);
  line_write(&l);
}

/* How an open(2) uses the file: r, w, rw or p (O_PATH), with d for O_DIRECTORY. */
static const char *open_access(int flags) {
  if (flags & O_PATH) return "p";
  int dir = (flags & O_DIRECTORY) != 0;
  int acc = flags & O_ACCMODE;
  int writes = acc == O_WRONLY || acc == O_RDWR || (flags & (O_CREAT | O_TRUNC));
  int reads = acc == O_RDONLY || acc == O_RDWR;
  if (reads && writes) return dir ? "rwd" : "rw";
  if (writes) return dir ? "wd" : "w";
  return dir ? "rd" : "r";
}

static const char *fopen_access(const char *mode) {
  if (!mode) return "r";
  int plus = strchr(mode, '+') != NULL;
  if (mode[0] == 'r') return plus ? "rw" : "r";
  return plus ? "rw" : "w";
}

/* ---- setup ----------------------------------------------------------------- */

static void put_file_field(struct line *l, const char *file) {
  char buf[4096];
  ssize_t n = readlink(file, buf, sizeof buf);
  start_field(l);
  if (n > 0) put_escaped(l, buf, (size_t)n);
}

/* Variables that tell a reader which unit a process works for, and which
 * programs are the toolchain: written into the header when set. */
static const char *const context_vars[] = {
    "CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "OUT_DIR", "RUSTC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER",
};

/* The header: format, pid, parent pid, start time, executable, cwd, the count
 * of context variables that are set and each as NAME=VALUE, then argv. argv
 * has no length limit (rustc's can be long), so it is written in pieces; no
 * event can interleave because recording starts only after the header. */
static void write_header(getenv_fn get, long long start_ns) {
  char buf[EVENT_BYTES];
  struct line l;
  line_init(&l, buf, sizeof buf);
  put_field(&l, FORMAT);
  start_field(&l);
  put_number(&l, getpid());
  start_field(&l);
  put_number(&l, getppid());
  start_field(&l);
  put_number(&l, start_ns);
  put_file_field(&l, "/proc/self/exe");
  char cwd[4096];
  put_field(&l, getcwd(cwd, sizeof cwd) ? cwd : "");
  const char *values[sizeof context_vars / sizeof *context_vars];
  int set = 0;
  for (size_t i = 0; i < sizeof context_vars / sizeof *context_vars; i++) {
    values[i] = get(context_vars[i]);
    set += values[i] != NULL;
  }
  start_field(&l);
  put_number(&l, set);
  for (size_t i = 0; i < sizeof context_vars / sizeof *context_vars; i++) {
    if (!values[i]) continue;
    put_field(&l, context_vars[i]);
    put_bytes(&l, "=", 1);
    put_escaped(&l, values[i], strlen(values[i]));
  }

  int fd = real_open()("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char chunk[4096];
    ssize_t n;
    int separate = 0; /* each argv entry ends with a NUL: a tab goes before the next one */
    start_field(&l);
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
      for (ssize_t i = 0; i < n; i++) {
        if (l.len + 8 > l.cap) { /* flush a full buffer; the line goes on */
          emit(l.buf, l.len);
          l.len = 0;
        }
        if (separate) put_bytes(&l, "\t", 1);
        separate = chunk[i] == 0;
        if (!separate) put_escaped(&l, chunk + i, 1);
      }
    }
    close(fd);
  }
  line_write(&l);
}

static void init(void) {
  int expected = 0;
  if (!__atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return;
  int saved = errno; /* init may run inside the first hooked call */
  busy++;
  getenv_fn get = real_getenv();
  const char *dir = get ? get("NX_CARGO_RECORD_DIR") : NULL;
  if (dir && dir[0] == '/') {
    const char *attr = get("NX_CARGO_RECORD_ATTRIBUTION");
    attribute = !(attr && strcmp(attr, "off") == 0);
    dl_iterate_phdr(note_object, NULL);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long start_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    struct line l;
    line_init(&l, out_path, sizeof out_path);
    put_bytes(&l, dir, strlen(dir));
    put_bytes(&l, "/", 1);
    put_number(&l, getpid());
    put_bytes(&l, "-", 1);
    put_number(&l, start_ns);
    put_bytes(&l, ".rec", 4);
    out_path[l.len] = 0;
    if (!l.cut) out_fd = real_open()(out_path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd >= 0) {
      out_fd = place_high(out_fd);
      write_header(get, start_ns);
      __atomic_store_n(&enabled, 1, __ATOMIC_RELEASE);
    }
  }
  busy--;
  errno = saved;
  __atomic_store_n(&init_state, 2, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void recorder_start(void) { init(); }

/* True when this call should be recorded; the caller then owns the guard. */
static int begin(void) {
  if (busy) return 0;
  if (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) == 0) init();
  if (!__atomic_load_n(&enabled, __ATOMIC_ACQUIRE)) return 0;
  busy++;
  return 1;
}

static void end(void) { busy--; }

/* ---- hooks ------------------------------------------------------------------- */

#define CALLER __builtin_return_address(0)

static char *env_hook(getenv_fn real, const char *op, void *caller, const char *name) {
  if (!real) return NULL;
  if (!begin()) return real(name);
  char *value = real(name);
  int saved = errno;
  record_env(op, caller, name, value != NULL);
  errno = saved;
  end();
  return value;
}

char *getenv(const char *name) { return env_hook(real_getenv(), "getenv", CALLER, name); }
char *secure_getenv(const char *name) { return env_hook(real_secure_getenv(), "secure_getenv", CALLER, name); }

static int needs_mode(int flags) { return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE; }

static int open_hook(openat_fn real_at, open_fn real, const char *op, void *caller, int dirfd,
                     const char *path, int flags, mode_t mode) {
  if (!begin()) return real_at ? real_at(dirfd, path, flags, mode) : real(path, flags, mode);
  int fd = real_at ? real_at(dirfd, path, flags, mode) : real(path, flags, mode);
  int saved = errno;
  record_path("open", op, caller, dirfd, path, fd >= 0, saved, open_access(flags));
  errno = saved;
  end();
  return fd;
}

#define MODE_ARG(flags)                 \
  mode_t mode = 0;                      \
  if (needs_mode(flags)) {              \
    va_list ap;                         \
    va_start(ap, flags);                \
    mode = (mode_t)va_arg(ap, int);     \
    va_end(ap);                         \
  }

int open(const char *path, int flags, ...) {
  MODE_ARG(flags)
  return open_hook(NULL, real_open(), "open", CALLER, AT_FDCWD, path, flags, mode);
}
int open64(const char *path, int flags, ...) {
  MODE_ARG(flags)
  return open_hook(NULL, real_open64(), "open64", CALLER, AT_FDCWD, path, flags, mode);
}
int openat(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags)
  return open_hook(real_openat(), NULL, "openat", CALLER, dirfd, path, flags, mode);
}
int openat64(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags)
  return open_hook(real_openat64(), NULL, "openat64", CALLER, dirfd, path, flags, mode);
}

/* Fortified C code (_FORTIFY_SOURCE) calls these instead of open/openat. */
static int open2_hook(open2_fn real, openat2_fn real_at, const char *op, void *caller, int dirfd,
                      const char *path, int flags) {
  if (!begin()) return real_at ? real_at(dirfd, path, flags) : real(path, flags);
  int fd = real_at ? real_at(dirfd, path, flags) : real(path, flags);
  int saved = errno;
  record_path("open", op, caller, dirfd, path, fd >= 0, saved, open_access(flags));
  errno = saved;
  end();
  return fd;
}
int __open_2(const char *path, int flags) { return open2_hook(real___open_2(), NULL, "__open_2", CALLER, AT_FDCWD, path, flags); }
int __open64_2(const char *path, int flags) { return open2_hook(real___open64_2(), NULL, "__open64_2", CALLER, AT_FDCWD, path, flags); }
int __openat_2(int dirfd, const char *path, int flags) { return open2_hook(NULL, real___openat_2(), "__openat_2", CALLER, dirfd, path, flags); }
int __openat64_2(int dirfd, const char *path, int flags) { return open2_hook(NULL, real___openat64_2(), "__openat64_2", CALLER, dirfd, path, flags); }

static FILE *fopen_hook(fopen_fn real, const char *op, void *caller, const char *path, const char *mode) {
  if (!begin()) return real(path, mode);
  FILE *f = real(path, mode);
  int saved = errno;
  record_path("open", op, caller, AT_FDCWD, path, f != NULL, saved, fopen_access(mode));
  errno = saved;
  end();
  return f;
}

FILE *fopen(const char *path, const char *mode) { return fopen_hook(real_fopen(), "fopen", CALLER, path, mode); }
FILE *fopen64(const char *path, const char *mode) { return fopen_hook(real_fopen64(), "fopen64", CALLER, path, mode); }

/* Every path-probing call ends here: `rc == 0` is found. */
static int probed(const char *op, void *caller, int dirfd, const char *path, int rc) {
  int saved = errno;
  record_path("stat", op, caller, dirfd, path, rc == 0, saved, NULL);
  errno = saved;
  end();
  return rc;
}

/* An empty path with AT_EMPTY_PATH is a stat of an open descriptor, not a name. */
static int names_path(const char *path, int flags) { return path && !(path[0] == 0 && (flags & AT_EMPTY_PATH)); }

/* stat, lstat, fstatat and their 64 forms are libc symbols only since glibc
 * 2.33 (before, programs call __xstat and friends): without one, fail as a
 * missing system call would. */
#define NO_REAL(fn)     \
  if (!(fn)) {          \
    errno = ENOSYS;     \
    return -1;          \
  }

#define STAT_HOOK(name, type)                                      \
  int name(const char *path, type *buf) {                          \
    stat_fn real = real_##name();                                  \
    NO_REAL(real)                                                  \
    if (!begin()) return real(path, buf);                          \
    return probed(#name, CALLER, AT_FDCWD, path, real(path, buf)); \
  }
STAT_HOOK(stat, struct stat)
STAT_HOOK(stat64, struct stat64)
STAT_HOOK(lstat, struct stat)
STAT_HOOK(lstat64, struct stat64)

#define FSTATAT_HOOK(name, type)                                                   \
  int name(int dirfd, const char *path, type *buf, int flags) {                    \
    fstatat_fn real = real_##name();                                               \
    NO_REAL(real)                                                                  \
    if (!names_path(path, flags) || !begin()) return real(dirfd, path, buf, flags); \
    return probed(#name, CALLER, dirfd, path, real(dirfd, path, buf, flags));      \
  }
FSTATAT_HOOK(fstatat, struct stat)
FSTATAT_HOOK(fstatat64, struct stat64)

/* Binaries linked against glibc < 2.33 (rustup's rustc and cargo among them)
 * call these versioned entry points instead of stat/lstat/fstatat. */
#define XSTAT_HOOK(name)                                                       \
  int name(int ver, const char *path, void *buf) {                             \
    if (!begin()) return real_##name()(ver, path, buf);                        \
    return probed(#name, CALLER, AT_FDCWD, path, real_##name()(ver, path, buf)); \
  }
XSTAT_HOOK(__xstat)
XSTAT_HOOK(__xstat64)
XSTAT_HOOK(__lxstat)
XSTAT_HOOK(__lxstat64)

#define FXSTATAT_HOOK(name)                                                                  \
  int name(int ver, int dirfd, const char *path, void *buf, int flags) {                     \
    if (!names_path(path, flags) || !begin()) return real_##name()(ver, dirfd, path, buf, flags); \
    return probed(#name, CALLER, dirfd, path, real_##name()(ver, dirfd, path, buf, flags));  \
  }
FXSTATAT_HOOK(__fxstatat)
FXSTATAT_HOOK(__fxstatat64)

int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf) {
  statx_fn real = real_statx();
  NO_REAL(real) /* glibc < 2.28: std then falls back to syscall(SYS_statx) */
  if (!names_path(path, flags) || !begin()) return real(dirfd, path, flags, mask, buf);
  return probed("statx", CALLER, dirfd, path, real(dirfd, path, flags, mask, buf));
}

int access(const char *path, int mode) {
  if (!begin()) return real_access()(path, mode);
  return probed("access", CALLER, AT_FDCWD, path, real_access()(path, mode));
}

int faccessat(int dirfd, const char *path, int mode, int flags) {
  if (!begin()) return real_faccessat()(dirfd, path, mode, flags);
  return probed("faccessat", CALLER, dirfd, path, real_faccessat()(dirfd, path, mode, flags));
}

/* std::fs::canonicalize: a probe of every component (libc's own lstat calls
 * inside realpath are not visible, so the call itself is recorded). */
char *realpath(const char *path, char *resolved) {
  if (!begin()) return real_realpath()(path, resolved);
  char *out = real_realpath()(path, resolved);
  probed("realpath", CALLER, AT_FDCWD, path, out ? 0 : -1);
  return out;
}

DIR *opendir(const char *path) {
  if (!begin()) return real_opendir()(path);
  DIR *dir = real_opendir()(path);
  int saved = errno;
  record_path("readdir", "opendir", CALLER, AT_FDCWD, path, dir != NULL, saved, NULL);
  errno = saved;
  end();
  return dir;
}

DIR *fdopendir(int fd) {
  if (!begin()) return real_fdopendir()(fd);
  DIR *dir = real_fdopendir()(fd);
  int saved = errno;
  char path[4096];
  if (fd_path(fd, path, sizeof path) == 0) {
    record_path("readdir", "fdopendir", CALLER, AT_FDCWD, path, dir != NULL, saved, NULL);
  }
  errno = saved;
  end();
  return dir;
}

/* Programs are recorded before the call: a successful exec does not return. */
int execve(const char *path, char *const argv[], char *const envp[]) {
  if (begin()) {
    record_exec("execve", CALLER, path, argv);
    end();
  }
  return real_execve()(path, argv, envp);
}

int execv(const char *path, char *const argv[]) {
  if (begin()) {
    record_exec("execv", CALLER, path, argv);
    end();
  }
  return real_execv()(path, argv);
}

int execvp(const char *file, char *const argv[]) {
  if (begin()) {
    record_exec("execvp", CALLER, file, argv);
    end();
  }
  return real_execvp()(file, argv);
}

int execvpe(const char *file, char *const argv[], char *const envp[]) {
  if (begin()) {
    record_exec("execvpe", CALLER, file, argv);
    end();
  }
  return real_execvpe()(file, argv, envp);
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (begin()) {
    record_exec("posix_spawn", CALLER, path, argv);
    end();
  }
  return real_posix_spawn()(pid, path, actions, attr, argv, envp);
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (begin()) {
    record_exec("posix_spawnp", CALLER, file, argv);
    end();
  }
  return real_posix_spawnp()(pid, file, actions, attr, argv, envp);
}

/* Rust's std calls statx through libc's syscall() where glibc has no statx
 * wrapper; futex and getrandom come through here too, so every other number
 * goes straight on. Reading six arguments is how every syscall() wrapper
 * forwards: the extra ones are unused registers. */
long syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
  long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
  va_end(ap);
  syscall_fn real = real_syscall();
  int watched = number == SYS_statx || number == SYS_openat
#ifdef SYS_open
                || number == SYS_open
#endif
#ifdef SYS_newfstatat
                || number == SYS_newfstatat
#endif
      ;
  if (!watched || !begin()) return real(number, a, b, c, d, e, f);
  void *caller = CALLER;
  long rc = real(number, a, b, c, d, e, f);
  int saved = errno;
  if (number == SYS_statx) {
    if (names_path((const char *)b, (int)c)) record_path("stat", "syscall:statx", caller, (int)a, (const char *)b, rc == 0, saved, NULL);
#ifdef SYS_newfstatat
  } else if (number == SYS_newfstatat) {
    if (names_path((const char *)b, (int)d)) record_path("stat", "syscall:newfstatat", caller, (int)a, (const char *)b, rc == 0, saved, NULL);
#endif
  } else if (number == SYS_openat) {
    record_path("open", "syscall:openat", caller, (int)a, (const char *)b, rc >= 0, saved, open_access((int)c));
#ifdef SYS_open
  } else {
    record_path("open", "syscall:open", caller, AT_FDCWD, (const char *)a, rc >= 0, saved, open_access((int)b));
#endif
  }
  errno = saved;
  end();
  return rc;
}
