/* ect_threads.h -- fork-join of a few jobs on POSIX threads, for the compiled
 * MSM's shares (ect_pippenger.h, ect_ecmult.h).  The caller holds no GIL and
 * touches no Python object: jobs are plain C on memory the caller owns.
 */
#ifndef ECT_THREADS_H
#define ECT_THREADS_H
#include <pthread.h>
#include <stddef.h>

/* Threads an MSM shares its work among, at most. */
#define ECT_MSM_MAX_THREADS 64

/* Runs fn on each of n jobs (n <= ECT_MSM_MAX_THREADS, each `size` bytes,
 * side by side in `jobs`): jobs 1 .. n - 1 on threads started here, job 0 and
 * any job whose thread cannot start on this thread; returns when all are done. */
static void ect_run_jobs(int n, void *(*fn)(void *), void *jobs, size_t size) {
    pthread_t tid[ECT_MSM_MAX_THREADS];
    int started[ECT_MSM_MAX_THREADS];
    char *job = (char *)jobs;
    for (int t = 0; t < n; t++) started[t] = t > 0 && pthread_create(&tid[t], NULL, fn, job + (size_t)t * size) == 0;
    fn(job);
    for (int t = 1; t < n; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            fn(job + (size_t)t * size);
    }
}

/* How many threads to use for `work` units when asked for `threads`: at most one per unit. */
static inline int ect_thread_count(int threads, size_t work) {
    size_t n = threads < 1 ? 1 : (size_t)threads;
    if (n > work) n = work ? work : 1;
    return n > ECT_MSM_MAX_THREADS ? ECT_MSM_MAX_THREADS : (int)n;
}
#endif /* ECT_THREADS_H */
