// SPDX-License-Identifier: GPL-2.0
/*
 * win32_tchar: <tchar.h> and wide characters, built five ways:
 *   win32_tchar-ansi-c        ANSI, C
 *   win32_tchar-unicode-c     UNICODE, C, -fshort-wchar (WCHAR = wchar_t)
 *   win32_tchar-unicode16-c   UNICODE, C, WCHAR = char16_t
 *   win32_tchar-ansi-cxx      ANSI, C++
 *   win32_tchar-unicode-cxx   UNICODE, C++, -fshort-wchar
 * _tmain is the entry point (wmain in UNICODE builds): the program runs
 * itself with a non-ASCII argument to check the argv conversion.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <windows.h>
#include <tchar.h>

#include <sys/wait.h>
#include <unistd.h>

#include "win32_tap.h"

#define SAMPLE TEXT("h\u00e9llo \U0001F600")
#define SAMPLE_UTF8 "h\xc3\xa9llo \xf0\x9f\x98\x80"

/* stdout into a file while @fn runs; returns what was printed. */
static char captured[4096];

static int capture_start(void)
{
	char path[] = "/tmp/win32-tchar-XXXXXX";
	int fd = mkstemp(path), saved;

	unlink(path);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	close(fd);
	return saved;
}

static const char *capture_end(int saved)
{
	ssize_t n;

	fflush(stdout);
	lseek(1, 0, SEEK_SET);
	n = read(1, captured, sizeof(captured) - 1);
	captured[n > 0 ? n : 0] = '\0';
	dup2(saved, 1);
	close(saved);
	return captured;
}

static void strings(void)
{
	TCHAR buf[64];
	const TCHAR *p;
	TCHAR *end, *dup;

	CHECK(_tcslen(SAMPLE) == sizeof(SAMPLE) / sizeof(TCHAR) - 1);
	CHECK(_tcscpy(buf, TEXT("abc")) == buf && _tcscmp(buf, TEXT("abc")) == 0);
	CHECK(_tcscat(buf, TEXT("def")) == buf && _tcscmp(buf, TEXT("abcdef")) == 0);
	CHECK(_tcsncmp(buf, TEXT("abcXYZ"), 3) == 0 && _tcscmp(buf, TEXT("abd")) < 0);
	CHECK(_tcsicmp(TEXT("HeLLo"), TEXT("hello")) == 0);
	CHECK(_tcsnicmp(TEXT("HeLLo"), TEXT("helium"), 3) == 0);
	_tcsncpy(buf, TEXT("xy"), 5);
	CHECK(buf[0] == TEXT('x') && buf[2] == 0 && buf[4] == 0);
	_tcscpy(buf, TEXT("hello world"));
	p = _tcschr(buf, TEXT('o'));
	CHECK(p == buf + 4);
	p = _tcsrchr(buf, TEXT('o'));
	CHECK(p == buf + 7);
	p = _tcsstr(buf, TEXT("wor"));
	CHECK(p == buf + 6);
	CHECK(_tcsstr(buf, TEXT("xyz")) == NULL);
	CHECK(_ttoi(TEXT(" -42x")) == -42 && _ttol(TEXT("17")) == 17);
	CHECK(_tcstol(TEXT("0x1F!"), &end, 16) == 31 && *end == TEXT('!'));
	CHECK(_tcstoul(TEXT("4000000000"), NULL, 10) == 4000000000UL);
	dup = _tcsdup(SAMPLE);
	CHECK(dup && _tcscmp(dup, SAMPLE) == 0);
	free(dup);
	CHECK(_istdigit(TEXT('7')) && !_istdigit(TEXT('x')) && _istspace(TEXT(' ')));
	CHECK(_totupper(TEXT('a')) == TEXT('A') && _totlower(TEXT('Q')) == TEXT('q'));
	CHECK(lstrlen(SAMPLE) == (int)_tcslen(SAMPLE));
}

static void formatted(void)
{
	TCHAR buf[64];
	int saved, n;

	n = _stprintf(buf, TEXT("%s=%d|%5.2f|%-4s|%c|%x|%u"), TEXT("k"), -7,
		      3.14159, TEXT("ab"), TEXT('Z'), 255, 4000000000u);
	CHECK(_tcscmp(buf, TEXT("k=-7| 3.14|ab  |Z|ff|4000000000")) == 0);
	CHECK(n == (int)_tcslen(buf));

	/* _sntprintf has Microsoft's rules: -1 and no terminator when cut. */
	memset(buf, 0x55, sizeof(buf));
	CHECK(_sntprintf(buf, 3, TEXT("%s"), TEXT("abcdef")) == -1);
	CHECK(buf[0] == TEXT('a') && buf[2] == TEXT('c'));
	CHECK(((unsigned char *)buf)[3 * sizeof(TCHAR)] == 0x55);
	CHECK(_sntprintf(buf, 6, TEXT("%s"), TEXT("abcdef")) == 6);
	CHECK(_sntprintf(buf, 7, TEXT("%s"), TEXT("abcdef")) == 6 && buf[6] == 0);

	saved = capture_start();
	n = _tprintf(TEXT("%s %d\n"), SAMPLE, 5);
	capture_end(saved);
	CHECK(strcmp(captured, SAMPLE_UTF8 " 5\n") == 0);
	CHECK(n == (int)_tcslen(SAMPLE) + 3);
	saved = capture_start();
	_putts(SAMPLE);
	capture_end(saved);
	CHECK(strcmp(captured, SAMPLE_UTF8 "\n") == 0);
	n = wsprintf(buf, TEXT("[%s:%03d]"), TEXT("w"), 7);
	CHECK(n == 7 && _tcscmp(buf, TEXT("[w:007]")) == 0);
}

#ifdef UNICODE
/* Wide-only rules: %S/%hs narrow, %ls wide, surrogates, limits, %n. */
static void wide_rules(void)
{
	WCHAR buf[2048], big[2000];
	int saved, i;

	CHECK(_swprintf(buf, TEXT("%S|%hs|%ls|%s|%C|%c"), "narrow", "h",
			TEXT("wide"), TEXT("\u00e9"), 'n', TEXT('\u00e9')) == 19);
	CHECK(namedshm_wcscmp(buf, TEXT("narrow|h|wide|\u00e9|n|\u00e9")) == 0);
	CHECK(_swprintf(buf, TEXT("%s|%S"), (WCHAR *)NULL, (char *)NULL) == 13);
	CHECK(namedshm_wcscmp(buf, TEXT("(null)|(null)")) == 0);
	CHECK(_swprintf(buf, TEXT("%ld|%lu|%I64d|%lld|%Iu|%hd"), -1L,
			(unsigned long)0xFFFFFFFFu, (long long)1 << 40,
			-(1LL << 40), (size_t)42, 70000) > 0);
	CHECK(namedshm_wcscmp(buf, TEXT("-1|4294967295|1099511627776|"
					"-1099511627776|42|4464")) == 0);
	CHECK(_swprintf(buf, TEXT("%.2s|%5s|%-3s|"), TEXT("abc"), TEXT("\u00e9"),
			TEXT("x")) == 13);
	CHECK(namedshm_wcscmp(buf, TEXT("ab|    \u00e9|x  |")) == 0);
	/* A surrogate pair survives, an unpaired one prints as U+FFFD. */
	CHECK(_swprintf(buf, TEXT("%s"), TEXT("\U0001F600")) == 2);
	CHECK(buf[0] == 0xD83D && buf[1] == 0xDE00 && buf[2] == 0);
	big[0] = 0xD800;
	big[1] = TEXT('x');
	big[2] = 0;
	saved = capture_start();
	namedshm_wprintf(TEXT("%s"), big);
	capture_end(saved);
	CHECK(strcmp(captured, "\xef\xbf\xbdx") == 0);
	/* %n is refused. */
	CHECK(_swprintf(buf, TEXT("a%n"), &i) == -1);
	/* ISO swprintf: terminated, -1 when cut. */
	CHECK(namedshm_swprintf(buf, 4, TEXT("%s"), TEXT("abcdef")) == -1);
	CHECK(namedshm_wcscmp(buf, TEXT("abc")) == 0);
	CHECK(namedshm_swprintf(buf, 7, TEXT("%s"), TEXT("abcdef")) == 6);
	/* wsprintfW: at most 1024 WCHARs with the terminator. */
	for (i = 0; i < 1999; i++)
		big[i] = TEXT('a');
	big[1999] = 0;
	CHECK(wsprintfW(buf, TEXT("%s"), big) == 1023 && buf[1023] == 0);
	CHECK(_wtoi(TEXT("99999999999")) == INT_MAX);
}
#endif

#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
/* -fshort-wchar: L"" literals are WCHAR strings, wcs* are 16-bit. */
static void short_wchar(void)
{
	const WCHAR *s = L"h\u00e9llo";
	wchar_t buf[32];
	HANDLE h, o;
	int saved;

	CHECK(sizeof(L'x') == 2 || sizeof(L'x') == sizeof(int));
	CHECK(lstrlenW(L"h\u00e9llo") == 5 && wcslen(s) == 5);
	CHECK(wcscpy(buf, L"abc") == buf && wcscmp(buf, L"abc") == 0);
	CHECK(wcschr(buf, L'b') == buf + 1 && wcsstr(buf, L"bc") == buf + 1);
	CHECK(swprintf(buf, 32, L"%s-%d", L"x", 3) == 3 && !wcscmp(buf, L"x-3"));
	saved = capture_start();
	wprintf(L"%s\n", L"wide \u00e9");
	capture_end(saved);
	CHECK(strcmp(captured, "wide \xc3\xa9\n") == 0);
	/* The W functions take L"" names. */
	h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
			       4096, L"Local\\win32-tchar-\u00e9");
	CHECK(h != NULL);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, "win32-tchar-\xc3\xa9");
	CHECK(o != NULL);
	CHECK(CloseHandle(o) && CloseHandle(h));
}
#endif

static int run_self(const char *self, const char *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl(self, self, "--argv", arg, (char *)NULL);
		_exit(127);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) :
							       -1;
}

int _tmain(int argc, _TCHAR *argv[])
{
	if (argc == 3 && _tcscmp(argv[1], TEXT("--argv")) == 0)
		return _tcscmp(argv[2], SAMPLE) == 0 ? 0 : 1;

	CHECK(argc == 1 && argv[0] != NULL && argv[1] == NULL);
	CHECK(run_self("/proc/self/exe", SAMPLE_UTF8) == 0);
	CHECK(run_self("/proc/self/exe", "hello") == 1);
	strings();
	formatted();
#ifdef UNICODE
	wide_rules();
#endif
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
	short_wchar();
#endif
	return tap_done();
}
