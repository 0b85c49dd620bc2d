// The reference for bench/qr: libqrencode (the library under the `qrencode` command) encoding
// each line of a file as a QR code in byte mode at level M, the smallest version, its own mask
// choice, and writing the same SVG document as ours (one path of horizontal runs, quiet zone of
// 4, white background), all in one process; the time covers encoding and writing, not reading.
//
//   libqrencode-svg URL-FILE    prints: codes, bytes of SVG, seconds, CPU seconds
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *out;
static size_t used, capacity;

static void put(const char *s, size_t n) {
    if (used + n > capacity) {
        capacity = (used + n) * 2;
        out = realloc(out, capacity);
    }
    memcpy(out + used, s, n);
    used += n;
}

static void putNumber(int value) {
    char digits[12];
    int n = 0;
    do { digits[11 - n++] = (char)('0' + value % 10); value /= 10; } while (value > 0);
    put(digits + 12 - n, (size_t)n);
}

static void svg(const QRcode *code) {
    int size = code->width, side = size + 8;
    char head[512];
    int n = snprintf(head, sizeof head,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
        "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        side, side, side * 8, side * 8, side, side);
    put(head, (size_t)n);
    for (int y = 0; y < size; y++) {
        const unsigned char *row = code->data + y * size;
        for (int x = 0; x < size;) {
            if (!(row[x] & 1)) { x++; continue; }
            int start = x;
            while (x < size && (row[x] & 1)) x++;
            put("M", 1); putNumber(start + 4); put(" ", 1); putNumber(y + 4);
            put("h", 1); putNumber(x - start); put("v1h-", 4); putNumber(x - start); put("z", 1);
        }
    }
    put("\"/></svg>\n", 10);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: libqrencode-svg URL-FILE\n"); return 2; }
    FILE *file = fopen(argv[1], "r");
    if (!file) { perror(argv[1]); return 1; }
    char **lines = NULL;
    size_t count = 0;
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, file)) {
        buffer[strcspn(buffer, "\n")] = 0;
        lines = realloc(lines, (count + 1) * sizeof *lines);
        lines[count++] = strdup(buffer);
    }
    fclose(file);

    struct timespec start, end, cpuStart, cpuEnd;
    size_t bytes = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStart);
    for (size_t i = 0; i < count; i++) {
        QRcode *code = QRcode_encodeString8bit(lines[i], 0, QR_ECLEVEL_M);
        if (!code) { perror("QRcode_encodeString8bit"); return 1; }
        used = 0;
        svg(code);
        bytes += used;
        QRcode_free(code);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuEnd);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    double cpu = (double)(cpuEnd.tv_sec - cpuStart.tv_sec) + (double)(cpuEnd.tv_nsec - cpuStart.tv_nsec) / 1e9;
    printf("%zu %zu %.6f %.6f\n", count, bytes, seconds, cpu);
    return 0;
}
