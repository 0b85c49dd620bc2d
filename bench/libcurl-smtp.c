// The floor under `mitreden send`: libcurl alone, the way mitreden drives it (one thread and
// one reused easy handle per connection, the raw message uploaded by a read callback), sending
// one file's bytes COUNT times. No queue, no rendering, no database. bench/smtp runs it beside
// our send and smtp-source, so the report shows how much of the gap is libcurl's.
//
//   libcurl-smtp URL MESSAGE-FILE COUNT CONNECTIONS
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *message;
static size_t length;
static const char *url;
static atomic_long remaining;
static atomic_long failures;

struct upload { size_t offset; };

static size_t readBody(char *buffer, size_t size, size_t count, void *context) {
    struct upload *upload = context;
    size_t left = length - upload->offset, n = size * count < left ? size * count : left;
    memcpy(buffer, message + upload->offset, n);
    upload->offset += n;
    return n;
}

static void *connection(void *unused) {
    (void)unused;
    struct upload upload = {0};
    struct curl_slist *recipients = curl_slist_append(NULL, "<person@schule.example>");
    CURL *handle = curl_easy_init();
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_MAIL_FROM, "<bildung@lkee.example>");
    curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, readBody);
    curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
    curl_easy_setopt(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
    while (atomic_fetch_sub(&remaining, 1) > 0) {
        upload.offset = 0;
        CURLcode rc = curl_easy_perform(handle);
        if (rc != CURLE_OK) {
            atomic_fetch_add(&failures, 1);
            fprintf(stderr, "libcurl-smtp: %s\n", curl_easy_strerror(rc));
        }
    }
    curl_easy_cleanup(handle);
    curl_slist_free_all(recipients);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: libcurl-smtp URL MESSAGE-FILE COUNT CONNECTIONS\n");
        return 2;
    }
    url = argv[1];
    FILE *file = fopen(argv[2], "rb");
    if (!file) { perror(argv[2]); return 1; }
    fseek(file, 0, SEEK_END);
    length = (size_t)ftell(file);
    rewind(file);
    message = malloc(length);
    if (!message || fread(message, 1, length, file) != length) { perror(argv[2]); return 1; }
    fclose(file);
    atomic_store(&remaining, atol(argv[3]));
    int connections = atoi(argv[4]);
    if (connections < 1 || connections > 64) { fprintf(stderr, "libcurl-smtp: 1 to 64 connections\n"); return 2; }

    curl_global_init(CURL_GLOBAL_ALL);
    pthread_t threads[64];
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, connection, NULL);
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    curl_global_cleanup();
    return atomic_load(&failures) == 0 ? 0 : 1;
}
