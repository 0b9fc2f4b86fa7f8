// SPDX-License-Identifier: GPL-2.0
/*
 * win32_basics: the Win32 basics of the opt-in include directory
 * (<windows.h>): types, macros, Microsoft keywords, Sleep, tick counts,
 * performance counters, process and thread ids, the Interlocked family
 * (also across processes through a named mapping) and lstr*.  Built as
 * C and as C++ (win32_basics-c, win32_basics-cxx).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <windows.h>

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "win32_tap.h"

/* Keywords: these declarations must compile. */
__declspec(dllexport) int __cdecl exported_fn(int a);
int __cdecl exported_fn(int a)
{
	return a + 1;
}
static int __stdcall std_fn(int a)
{
	return a * 2;
}
static __forceinline int inline_fn(int a)
{
	return a - 1;
}
__declspec(noreturn) static void never_returns(void);
static void never_returns(void)
{
	_exit(99);
}
__declspec(align(16)) static int aligned_var;
static __declspec(thread) int thread_var;

static int unreferenced(int a, int b)
{
	UNREFERENCED_PARAMETER(b);
	return a;
}

#ifdef __cplusplus
static int kind(HWND)
{
	return 1;
}
static int kind(HINSTANCE)
{
	return 2;
}
static int kind(HANDLE)
{
	return 3;
}
#define KIND_OF(x) kind(x)
#else
#define KIND_OF(x) _Generic((x), HWND: 1, HINSTANCE: 2, HANDLE: 3)
#endif

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void types_and_macros(void)
{
	int arr[7];
	LARGE_INTEGER li;
	ULARGE_INTEGER uli;
	HMODULE hm = (HMODULE)0;

	CHECK(sizeof(DWORD) == 4 && sizeof(LONG) == 4 && sizeof(ULONG) == 4);
	CHECK(sizeof(SHORT) == 2 && sizeof(USHORT) == 2 && sizeof(WORD) == 2);
	CHECK(sizeof(LONGLONG) == 8 && sizeof(ULONGLONG) == 8);
	CHECK(sizeof(DWORD64) == 8 && sizeof(LONG64) == 8 && sizeof(__int64) == 8);
	CHECK(sizeof(BOOLEAN) == 1 && sizeof(BYTE) == 1 && sizeof(WCHAR) == 2);
	CHECK(sizeof(INT_PTR) == sizeof(void *) && sizeof(UINT_PTR) == sizeof(void *));
	CHECK(sizeof(LONG_PTR) == sizeof(void *) && sizeof(SIZE_T) == sizeof(void *));
	CHECK((LONGLONG)-1 < 0 && (ULONGLONG)-1 > 0 && (SHORT)-1 < 0);
	CHECK(sizeof(LARGE_INTEGER) == 8);
	li.QuadPart = 0x1234567890ABCDEFLL;
	CHECK(li.LowPart == 0x90ABCDEFu && li.HighPart == 0x12345678);
	CHECK(li.u.LowPart == li.LowPart && li.u.HighPart == li.HighPart);
	uli.QuadPart = 0xFFFFFFFF00000001ULL;
	CHECK(uli.HighPart == 0xFFFFFFFFu && uli.LowPart == 1);
	CHECK(KIND_OF((HWND)0) == 1);
	CHECK(KIND_OF(hm) == 2);
	CHECK(KIND_OF((HANDLE)0) == 3);
	{
		LPBYTE pb = (LPBYTE)arr;
		VOID *pv = pb;

		CHECK(pv == (void *)arr);
	}

	CHECK(MAKELONG(0x1234, 0xABCD) == (LONG)0xABCD1234);
	CHECK(LOWORD(0xABCD1234) == 0x1234 && HIWORD(0xABCD1234) == 0xABCD);
	CHECK(MAKEWORD(0x12, 0x34) == 0x3412);
	CHECK(LOBYTE(0x3412) == 0x12 && HIBYTE(0x3412) == 0x34);
	CHECK(ARRAYSIZE(arr) == 7);
	CHECK(unreferenced(5, 6) == 5);
	CHECK(exported_fn(1) == 2 && std_fn(2) == 4 && inline_fn(3) == 2);
	CHECK(((uintptr_t)&aligned_var & 15) == 0);
	thread_var = 1;
	CHECK(thread_var == 1);
	CHECK(INFINITE == 0xFFFFFFFFu);
	if (0)
		never_returns();
}

static void time_functions(void)
{
	LARGE_INTEGER f, a, b;
	uint64_t t0;
	ULONGLONG k0, k1;
	DWORD d0;
	struct timespec bt;
	struct sigaction sa;

	t0 = now_ms();
	Sleep(100);
	CHECK(now_ms() - t0 >= 100);
	CHECK(now_ms() - t0 < 5000);
	Sleep(0);

	/* A signal does not end Sleep early. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(20000, 0);
	t0 = now_ms();
	Sleep(150);
	CHECK(now_ms() - t0 >= 150);

	k0 = GetTickCount64();
	d0 = GetTickCount();
	clock_gettime(CLOCK_BOOTTIME, &bt);
	CHECK(k0 / 1000 <= (ULONGLONG)bt.tv_sec + 1 &&
	      k0 / 1000 + 1 >= (ULONGLONG)bt.tv_sec);
	CHECK((DWORD)(d0 - (DWORD)k0) < 1000);
	Sleep(50);
	k1 = GetTickCount64();
	CHECK(k1 - k0 >= 50 && k1 - k0 < 5000);

	SetLastError(1234);
	CHECK(QueryPerformanceFrequency(&f) && f.QuadPart == 1000000000);
	CHECK(QueryPerformanceCounter(&a));
	CHECK(GetLastError() == 1234);
	Sleep(20);
	CHECK(QueryPerformanceCounter(&b));
	CHECK(b.QuadPart - a.QuadPart >= 20 * (f.QuadPart / 1000));
	CHECK(!QueryPerformanceCounter(NULL) && GetLastError() == ERROR_NOACCESS);
	SetLastError(0);
	CHECK(!QueryPerformanceFrequency(NULL) && GetLastError() == 998);
}

static void *tid_thread(void *arg)
{
	*(DWORD *)arg = GetCurrentThreadId();
	return NULL;
}

static void ids(void)
{
	DWORD other = 0;
	pthread_t t;
	pid_t pid;
	int st;

	CHECK(GetCurrentProcessId() == (DWORD)getpid());
	CHECK(GetCurrentThreadId() == (DWORD)syscall(SYS_gettid));
	pthread_create(&t, NULL, tid_thread, &other);
	pthread_join(t, NULL);
	CHECK(other != 0 && other != GetCurrentThreadId());
	pid = fork();
	if (pid == 0)
		_exit(GetCurrentProcessId() == (DWORD)getpid() &&
				      GetCurrentProcessId() != (DWORD)getppid() ?
			      0 :
			      1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st));
}

static void interlocked_values(void)
{
	volatile LONG v = 5;
	volatile LONG64 q = 0x100000000LL;
	volatile SHORT s = 0x7FFF;
	static int x, y;
	void *volatile ptr = &x;

	CHECK(InterlockedIncrement(&v) == 6 && v == 6);
	CHECK(InterlockedDecrement(&v) == 5 && v == 5);
	CHECK(InterlockedExchange(&v, 9) == 5 && v == 9);
	CHECK(InterlockedExchangeAdd(&v, 3) == 9 && v == 12);
	CHECK(InterlockedAdd(&v, 3) == 15 && v == 15);
	CHECK(InterlockedCompareExchange(&v, 1, 15) == 15 && v == 1);
	CHECK(InterlockedCompareExchange(&v, 7, 3) == 1 && v == 1);
	CHECK(InterlockedOr(&v, 6) == 1 && v == 7);
	CHECK(InterlockedAnd(&v, 5) == 7 && v == 5);
	CHECK(InterlockedXor(&v, 1) == 5 && v == 4);
	v = 0x7FFFFFFF;
	CHECK(InterlockedIncrement(&v) == (LONG)0x80000000 && v < 0);

	CHECK(InterlockedIncrement64(&q) == 0x100000001LL);
	CHECK(InterlockedDecrement64(&q) == 0x100000000LL);
	CHECK(InterlockedExchangeAdd64(&q, 0x100000000LL) == 0x100000000LL &&
	      q == 0x200000000LL);
	CHECK(InterlockedExchange64(&q, -1) == 0x200000000LL && q == -1);
	CHECK(InterlockedCompareExchange64(&q, 5, -1) == -1 && q == 5);
	CHECK(InterlockedCompareExchange64(&q, 6, 0) == 5 && q == 5);
	CHECK(InterlockedAdd64(&q, 0x700000000LL) == 0x700000005LL);

	CHECK(InterlockedIncrement16(&s) == (SHORT)0x8000);
	CHECK(InterlockedCompareExchange16(&s, 1, (SHORT)0x8000) == (SHORT)0x8000 &&
	      s == 1);

	CHECK(InterlockedExchangePointer(&ptr, &y) == &x && ptr == &y);
	CHECK(InterlockedCompareExchangePointer(&ptr, &x, &y) == &y && ptr == &x);
	CHECK(InterlockedCompareExchangePointer(&ptr, NULL, &y) == &x &&
	      ptr == &x);
	MemoryBarrier();
}

#define THREADS 4
#define ROUNDS 200000

struct counters {
	volatile LONG n32;
	volatile LONG64 n64;
};

static void *incr_thread(void *arg)
{
	struct counters *c = (struct counters *)arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		InterlockedIncrement(&c->n32);
		InterlockedExchangeAdd64(&c->n64, 0x100000000LL);
	}
	return NULL;
}

/* Store buffering: with full barriers, both threads cannot read 0. */
static volatile LONG sb_x, sb_y, sb_go, sb_r1, sb_r2, sb_done;

/*
 * Up to SB_ROUNDS rounds, or SB_SECONDS: every round is a hand-off
 * between two CPUs, which single-threaded emulation (QEMU TCG, one host
 * thread running the vCPUs in turn) makes take milliseconds.  sb_go < 0
 * ends the rounds.
 */
#define SB_ROUNDS 20000
#define SB_SECONDS 5

static void *sb_thread(void *arg)
{
	LONG round, go;

	(void)arg;
	for (round = 1; round <= SB_ROUNDS; round++) {
		while ((go = InterlockedCompareExchange(&sb_go, 0, 0)) != round)
			if (go < 0)
				return NULL;
		InterlockedExchange(&sb_y, 1);
		sb_r2 = sb_x;
		InterlockedIncrement(&sb_done);
	}
	return NULL;
}

static void interlocked_threads(void)
{
	static struct counters c;
	pthread_t t[THREADS];
	int i, both_zero = 0;
	uint64_t t0;
	LONG round;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, incr_thread, &c);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(c.n32 == THREADS * ROUNDS);
	CHECK(c.n64 == (LONG64)THREADS * ROUNDS * 0x100000000LL);

	pthread_create(&t[0], NULL, sb_thread, NULL);
	t0 = now_ms();
	for (round = 1; round <= SB_ROUNDS; round++) {
		if (now_ms() - t0 > SB_SECONDS * 1000) {
			InterlockedExchange(&sb_go, -1);
			break;
		}
		sb_x = sb_y = 0;
		sb_done = 0;
		InterlockedExchange(&sb_go, round);
		InterlockedExchange(&sb_x, 1);
		sb_r1 = sb_y;
		while (InterlockedCompareExchange(&sb_done, 0, 0) != 1)
			;
		both_zero += !sb_r1 && !sb_r2;
	}
	pthread_join(t[0], NULL);
	printf("# store buffering: %ld rounds in %llu ms\n", (long)round - 1,
	       (unsigned long long)(now_ms() - t0));
	CHECK(round > 1);
	CHECK(both_zero == 0);
}

/* Processes incrementing one named mapping's counters. */
static void interlocked_processes(void)
{
	const char *name = "Local\\win32-basics-counter";
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
				      PAGE_READWRITE, 0, 4096, name);
	struct counters *c;
	pid_t pids[3];
	int i, st, ok = 1;

	CHECK(h != NULL);
	if (!h)
		return;
	c = (struct counters *)MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			HANDLE o = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
			struct counters *p;

			if (!o)
				_exit(2);
			p = (struct counters *)MapViewOfFile(o, FILE_MAP_WRITE,
							     0, 0, 0);
			if (!p)
				_exit(3);
			incr_thread(p);
			_exit(0);
		}
	}
	for (i = 0; i < 3; i++)
		ok &= waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) &&
		      !WEXITSTATUS(st);
	CHECK(ok);
	CHECK(c->n32 == 3 * ROUNDS);
	CHECK(c->n64 == 3LL * ROUNDS * 0x100000000LL);
	CHECK(UnmapViewOfFile(c) && CloseHandle(h));
}

static void lstr(void)
{
	char a[16];
	WCHAR w[16];

	CHECK(lstrlenA(NULL) == 0 && lstrlenA("abc") == 3);
	CHECK(lstrlenW(NULL) == 0 && lstrlenW(u"h\u00e9llo") == 5);
	CHECK(lstrcpyA(a, "hello") == a && !strcmp(a, "hello"));
	CHECK(lstrcpyA(NULL, "x") == NULL && lstrcpyA(a, NULL) == NULL);
	CHECK(lstrcatA(a, "!") == a && !strcmp(a, "hello!"));
	memset(a, 'X', sizeof(a));
	CHECK(lstrcpynA(a, "abcdef", 4) == a && !strcmp(a, "abc"));
	CHECK(lstrcpynA(a, "ab", 0) == a && a[0] == 'a');
	CHECK(lstrcpynA(a, "ab", 1) == a && a[0] == '\0');
	CHECK(lstrcmpA("a", "b") < 0 && lstrcmpA("b", "a") > 0);
	CHECK(lstrcmpA("abc", "abc") == 0 && lstrcmpA(NULL, "a") < 0);
	CHECK(lstrcmpA("a", NULL) > 0 && lstrcmpA(NULL, NULL) == 0);
	CHECK(lstrcmpiA("HeLLo", "hello") == 0 && lstrcmpiA("a", "B") < 0);

	CHECK(lstrcpyW(w, u"wide") == w && lstrlenW(w) == 4);
	CHECK(lstrcatW(w, u"\u00e9") == w && lstrcmpW(w, u"wide\u00e9") == 0);
	CHECK(lstrcpynW(w, u"abcdef", 3) == w && lstrcmpW(w, u"ab") == 0);
	CHECK(lstrcmpW(u"a", u"b") < 0 && lstrcmpW(u"\u00e9", u"z") > 0);
	CHECK(lstrcmpiW(u"HeLLo", u"hello") == 0 && lstrcmpiW(u"a", u"B") < 0);
	CHECK(lstrcmpW(NULL, u"") < 0);
}

int main(void)
{
	types_and_macros();
	time_functions();
	ids();
	interlocked_values();
	interlocked_threads();
	interlocked_processes();
	lstr();
	return tap_done();
}
