/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sal.h - the common source annotations of Microsoft's SDK, as nothing.
 * Part of namedshm's opt-in Win32 include directory (PORTING.md).
 */
#ifndef NAMEDSHM_WIN32_SAL_H
#define NAMEDSHM_WIN32_SAL_H

#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _In_reads_(n)
#define _In_reads_bytes_(n)
#define _In_reads_opt_(n)
#define _Out_writes_(n)
#define _Out_writes_z_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_opt_(n)
#define _Inout_updates_(n)
#define _Ret_maybenull_
#define _Success_(x)
#define _Check_return_
#define _Printf_format_string_
#define _Reserved_
#define _Null_terminated_
#define __in
#define __out
#define __inout
#define __in_opt
#define __out_opt

#endif /* NAMEDSHM_WIN32_SAL_H */
