// SPDX-License-Identifier: LGPL-2.1-or-later
//
// win32-writer: written as for Windows.  It creates the named file
// mapping Local\Win32DemoBoard, posts a message and waits for the
// reader's reply.  It builds unchanged on Linux with
//     cc win32-writer.c $(pkg-config --cflags --libs namedshm-win32)
// as ANSI, or as UNICODE with -DUNICODE -D_UNICODE -fshort-wchar, in C or
// C++ (userspace/PORTING.md, "The Win32 include directory").

#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#include "win32-board.h"

int _tmain(int argc, _TCHAR* argv[])
{
    HANDLE hMapFile;
    PBOARD pBoard;
    LPCTSTR pszMessage = TEXT("Hello from the writer");
    DWORD dwStart;
    int i;

    if (argc > 1)
        pszMessage = argv[1];

    hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                 0, sizeof(BOARD), BOARD_NAME);
    if (hMapFile == NULL)
    {
        _tprintf(TEXT("writer: CreateFileMapping failed (%u)\n"), GetLastError());
        return 1;
    }
    _tprintf(TEXT("writer %u: CreateFileMapping(%s): %s\n"), GetCurrentProcessId(),
             BOARD_NAME, GetLastError() == ERROR_ALREADY_EXISTS ?
             TEXT("opened the existing object") : TEXT("created it"));

    pBoard = (PBOARD)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(BOARD));
    if (pBoard == NULL)
    {
        _tprintf(TEXT("writer: MapViewOfFile failed (%u)\n"), GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }

    _tcsncpy(pBoard->szMessage, pszMessage, ARRAYSIZE(pBoard->szMessage) - 1);
    pBoard->dwWriterPid = GetCurrentProcessId();
    InterlockedIncrement(&pBoard->nPosted);     // publishes the message
    _tprintf(TEXT("writer: posted \"%s\" (%d characters)\n"), pBoard->szMessage,
             (int)_tcslen(pBoard->szMessage));

    dwStart = GetTickCount();
    for (i = 0; i < 1000 && InterlockedCompareExchange(&pBoard->nAnswered, 0, 0) == 0; i++)
        Sleep(10);
    if (pBoard->nAnswered == 0)
    {
        _tprintf(TEXT("writer: no reply after %u ms\n"), GetTickCount() - dwStart);
        UnmapViewOfFile(pBoard);
        CloseHandle(hMapFile);
        return 1;
    }
    _tprintf(TEXT("writer: process %u replied \"%s\"\n"), pBoard->dwReaderPid,
             pBoard->szReply);

    UnmapViewOfFile(pBoard);
    CloseHandle(hMapFile);
    return 0;
}
