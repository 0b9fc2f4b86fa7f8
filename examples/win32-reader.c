// SPDX-License-Identifier: LGPL-2.1-or-later
//
// win32-reader: written as for Windows.  It opens the named file mapping
// Local\Win32DemoBoard that win32-writer created, waits for its message
// and replies.  Builds like win32-writer.c.
//
//     win32-reader [--open-only] [REPLY]

#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#include "win32-board.h"

int _tmain(int argc, _TCHAR* argv[])
{
    HANDLE hMapFile;
    PBOARD pBoard;
    TCHAR szReply[128];
    BOOL fOpenOnly = FALSE;
    int i;

    if (argc > 1 && _tcscmp(argv[1], TEXT("--open-only")) == 0)
    {
        fOpenOnly = TRUE;
        argc--;
        argv++;
    }

    hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, BOARD_NAME);
    if (hMapFile == NULL)
    {
        _tprintf(TEXT("reader: OpenFileMapping(%s) failed (%u)\n"), BOARD_NAME,
                 GetLastError());
        return GetLastError() == ERROR_FILE_NOT_FOUND ? 3 : 1;
    }
    if (fOpenOnly)
    {
        _tprintf(TEXT("reader: %s exists\n"), BOARD_NAME);
        CloseHandle(hMapFile);
        return 0;
    }

    pBoard = (PBOARD)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (pBoard == NULL)
    {
        _tprintf(TEXT("reader: MapViewOfFile failed (%u)\n"), GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }

    for (i = 0; i < 1000 && InterlockedCompareExchange(&pBoard->nPosted, 0, 0) == 0; i++)
        Sleep(10);
    _tprintf(TEXT("reader %u: process %u posted \"%s\"\n"), GetCurrentProcessId(),
             pBoard->dwWriterPid, pBoard->szMessage);

    if (argc > 1)
        lstrcpyn(szReply, argv[1], ARRAYSIZE(szReply));
    else
        _stprintf(szReply, TEXT("%d characters received"),
                  lstrlen(pBoard->szMessage));
    lstrcpyn(pBoard->szReply, szReply, ARRAYSIZE(pBoard->szReply));
    pBoard->dwReaderPid = GetCurrentProcessId();
    InterlockedIncrement(&pBoard->nAnswered);
    _tprintf(TEXT("reader: replied \"%s\"\n"), szReply);

    UnmapViewOfFile(pBoard);
    CloseHandle(hMapFile);
    return 0;
}
