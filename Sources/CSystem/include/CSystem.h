#ifndef MITREDEN_CSYSTEM_H
#define MITREDEN_CSYSTEM_H
/* Linux calls that Swift's Glibc module does not expose. */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// getrandom(2): bytes from the kernel's secure random source.
ssize_t mitreden_getrandom(void *buffer, size_t length, unsigned int flags);
struct sockaddr;
/// accept4(2): accept with flags (SOCK_CLOEXEC, SOCK_NONBLOCK) in one call.
int mitreden_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);

/// epoll(7), with an unpacked event type (the kernel's is packed on x86-64, which Swift cannot import as is).
typedef struct {
    uint32_t events;
    uint64_t data;
} mitreden_epoll_event;
#define MITREDEN_EPOLLIN 0x001u
#define MITREDEN_EPOLLOUT 0x004u
#define MITREDEN_EPOLLERR 0x008u
#define MITREDEN_EPOLLHUP 0x010u
#define MITREDEN_EPOLLEXCLUSIVE (1u << 28)
#define MITREDEN_EPOLL_CTL_ADD 1
#define MITREDEN_EPOLL_CTL_DEL 2
#define MITREDEN_EPOLL_CTL_MOD 3
/// epoll_create1(EPOLL_CLOEXEC).
int mitreden_epoll_create(void);
int mitreden_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// epoll_wait(2) for at most 256 events.
int mitreden_epoll_wait(int epfd, mitreden_epoll_event *events, int max, int timeout);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC): a counter another thread writes to wake a loop.
int mitreden_eventfd(void);
/// prctl(PR_SET_NAME): the calling thread's name as top -H, ps -L and perf show it (at most 15 bytes).
void mitreden_name_thread(const char *name);
/// sched_setscheduler(SCHED_BATCH) for the calling thread: background work that the kernel does
/// not let preempt others on wakeup (no privilege needed). Returns 0, or -1 with errno.
int mitreden_batch_thread(void);
/// Writes the file's dirty pages to disk `chunk` bytes of the file at a time, waiting for each
/// chunk before the next (sync_file_range WAIT_BEFORE | WRITE | WAIT_AFTER), so that other
/// writers' syncs never queue behind more than one chunk. Returns 0, or -1 with errno.
int mitreden_write_back(int fd, long chunk);
/// malloc_trim(0): gives the allocator's free memory back to the system (after a burst of large buffers).
void mitreden_release_free_memory(void);
#endif
