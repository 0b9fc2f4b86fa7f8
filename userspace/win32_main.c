// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32main.a: main for programs whose entry point is wmain
 * (UNICODE builds, <tchar.h>'s _tmain).  The linker takes this object
 * only when the program defines no main itself.  See include/win32/wmain.h.
 */
#include <stdio.h>

#include "../include/win32/windows.h"

WCHAR **namedshm_win32_wide_vector(char **v);
int namedshm_wmain_dispatch(int argc, WCHAR **argv, WCHAR **envp);

int main(int argc, char **argv, char **envp)
{
	WCHAR **wargv = namedshm_win32_wide_vector(argv);
	WCHAR **wenvp = namedshm_win32_wide_vector(envp);

	if (!wargv || !wenvp) {
		fputs("wmain: out of memory\n", stderr);
		return 1;
	}
	return namedshm_wmain_dispatch(argc, wargv, wenvp);
}
