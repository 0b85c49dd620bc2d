#define _GNU_SOURCE
#include "CSystem.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>

ssize_t mitreden_getrandom(void *buffer, size_t length, unsigned int flags) {
    return getrandom(buffer, length, flags);
}

int mitreden_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
    return accept4(fd, address, (socklen_t *)length, flags);
}

int mitreden_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int mitreden_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event = {.events = events, .data = {.u64 = data}};
    return epoll_ctl(epfd, op, fd, &event);
}

int mitreden_epoll_wait(int epfd, mitreden_epoll_event *events, int max, int timeout) {
    struct epoll_event kernel[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, kernel, max, timeout);
    for (int i = 0; i < n; i++) {
        events[i].events = kernel[i].events;
        events[i].data = kernel[i].data.u64;
    }
    return n;
}

int mitreden_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void mitreden_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

int mitreden_batch_thread(void) {
    struct sched_param param = { .sched_priority = 0 };
    return sched_setscheduler(0, SCHED_BATCH, &param);
}

int mitreden_write_back(int fd, long chunk) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    for (off_t at = 0; at < st.st_size; at += chunk) {
        if (sync_file_range(fd, at, chunk, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0) return -1;
    }
    return 0;
}

#include <malloc.h>
void mitreden_release_free_memory(void) {
    malloc_trim(0);
}
