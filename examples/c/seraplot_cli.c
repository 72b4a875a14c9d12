/*
 * A small command-line front end to the C interface, and an example of using it from C.
 *
 *     seraplot_cli save < payload.json
 *     seraplot_cli load < payload.json
 *
 * Reads the payload from standard input, prints the answer and a newline to standard output,
 * and exits with 0 when the answer has "ok":true, 1 when it is an error answer, and 2 when
 * the program itself failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seraplot/seraplot.h"

static char *read_all(FILE *in, size_t *length) {
    size_t capacity = 65536;
    size_t used = 0;
    char *bytes = malloc(capacity);
    while (bytes != NULL) {
        size_t count = fread(bytes + used, 1, capacity - used, in);
        used += count;
        if (count == 0) {
            break;
        }
        if (used == capacity) {
            char *grown = realloc(bytes, capacity * 2);
            if (grown == NULL) {
                free(bytes);
                return NULL;
            }
            bytes = grown;
            capacity *= 2;
        }
    }
    *length = used;
    return bytes;
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "save") != 0 && strcmp(argv[1], "load") != 0)) {
        fprintf(stderr, "usage: %s save|load < payload.json\n", argv[0]);
        return 2;
    }

    size_t payload_len = 0;
    char *payload = read_all(stdin, &payload_len);
    if (payload == NULL || ferror(stdin)) {
        fprintf(stderr, "%s: cannot read the payload from standard input\n", argv[0]);
        return 2;
    }

    size_t answer_len = 0;
    char *answer = strcmp(argv[1], "save") == 0
                       ? seraplot_ml_save_model(payload, payload_len, &answer_len)
                       : seraplot_ml_load_model(payload, payload_len, &answer_len);
    free(payload);
    if (answer == NULL) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 2;
    }

    fwrite(answer, 1, answer_len, stdout);
    fputc('\n', stdout);
    int failed = strncmp(answer, "{\"ok\":true", 10) != 0;
    seraplot_free(answer);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the answer to standard output\n", argv[0]);
        return 2;
    }
    return failed;
}
