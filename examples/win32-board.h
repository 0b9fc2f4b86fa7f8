// SPDX-License-Identifier: LGPL-2.1-or-later
// win32-board.h: the shared block of win32-writer.cpp / win32-reader.c.
#pragma once

#define BOARD_NAME TEXT("Local\\Win32DemoBoard")

typedef struct _BOARD {
    volatile LONG nPosted;     // InterlockedIncrement'ed by the writer
    volatile LONG nAnswered;   // InterlockedIncrement'ed by the reader
    DWORD dwWriterPid;
    DWORD dwReaderPid;
    TCHAR szMessage[128];
    TCHAR szReply[128];
} BOARD, *PBOARD;
