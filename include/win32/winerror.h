/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * winerror.h - the ERROR_* codes the layer sets (they live in
 * <cemapping.h>) and the few others its functions report.
 * Part of namedshm's opt-in Win32 include directory (PORTING.md).
 */
#ifndef NAMEDSHM_WIN32_WINERROR_H
#define NAMEDSHM_WIN32_WINERROR_H

#include "winnt.h" /* HRESULT, and <cemapping.h> */

#define ERROR_NOACCESS 998
#define ERROR_INSUFFICIENT_BUFFER 122
#define S_OK ((HRESULT)0)
#define S_FALSE ((HRESULT)1)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)

#endif /* NAMEDSHM_WIN32_WINERROR_H */
