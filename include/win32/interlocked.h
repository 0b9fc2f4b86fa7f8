/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * interlocked.h - Windows' Interlocked functions and MemoryBarrier, as
 * inline GCC atomics.  Like on Windows every one is a full memory barrier
 * (sequentially consistent, and fenced on both sides where the processor
 * needs it), so they order the plain reads and writes around them, also
 * across processes sharing a view.  The target must be naturally aligned.
 * Part of namedshm's opt-in Win32 include directory; <winnt.h> and
 * <windows.h> include it.
 */
#ifndef NAMEDSHM_WIN32_INTERLOCKED_H
#define NAMEDSHM_WIN32_INTERLOCKED_H

#include "basetsd.h"

/* x86 locked instructions are full barriers already; others need fences. */
#if defined(__x86_64__) || defined(__i386__)
#define __NSHM_FENCE() ((void)0)
#else
#define __NSHM_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#if defined(__x86_64__) || defined(__i386__)
#define YieldProcessor() __builtin_ia32_pause()
#else
#define YieldProcessor() ((void)0)
#endif

/* One body for every width: fence, sequentially consistent op, fence. */
#define __NSHM_RMW(expr)                                                   \
	__typeof__(expr) __r;                                              \
	__NSHM_FENCE();                                                    \
	__r = (expr);                                                      \
	__NSHM_FENCE();                                                    \
	return __r

#define __NSHM_INTERLOCKED(T, S)                                           \
	static inline T InterlockedIncrement##S(T volatile *p)             \
	{                                                                  \
		__NSHM_RMW(__atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST));    \
	}                                                                  \
	static inline T InterlockedDecrement##S(T volatile *p)             \
	{                                                                  \
		__NSHM_RMW(__atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST));    \
	}                                                                  \
	static inline T InterlockedExchange##S(T volatile *p, T v)         \
	{                                                                  \
		__NSHM_RMW(__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST));   \
	}                                                                  \
	static inline T InterlockedCompareExchange##S(T volatile *p, T v,  \
						       T cmp)              \
	{                                                                  \
		__NSHM_FENCE();                                            \
		__atomic_compare_exchange_n(p, &cmp, v, 0,                 \
					    __ATOMIC_SEQ_CST,              \
					    __ATOMIC_SEQ_CST);             \
		__NSHM_FENCE();                                            \
		return cmp;                                                \
	}

#define __NSHM_INTERLOCKED_ARITH(T, S)                                     \
	static inline T InterlockedExchangeAdd##S(T volatile *p, T v)      \
	{                                                                  \
		__NSHM_RMW(__atomic_fetch_add(p, v, __ATOMIC_SEQ_CST));    \
	}                                                                  \
	static inline T InterlockedAdd##S(T volatile *p, T v)              \
	{                                                                  \
		__NSHM_RMW(__atomic_add_fetch(p, v, __ATOMIC_SEQ_CST));    \
	}                                                                  \
	static inline T InterlockedAnd##S(T volatile *p, T v)              \
	{                                                                  \
		__NSHM_RMW(__atomic_fetch_and(p, v, __ATOMIC_SEQ_CST));    \
	}                                                                  \
	static inline T InterlockedOr##S(T volatile *p, T v)               \
	{                                                                  \
		__NSHM_RMW(__atomic_fetch_or(p, v, __ATOMIC_SEQ_CST));     \
	}                                                                  \
	static inline T InterlockedXor##S(T volatile *p, T v)              \
	{                                                                  \
		__NSHM_RMW(__atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST));    \
	}

/* LONG (32 bits): InterlockedIncrement, ..., InterlockedXor */
__NSHM_INTERLOCKED(LONG, )
__NSHM_INTERLOCKED_ARITH(LONG, )
/* LONG64: InterlockedIncrement64, ..., InterlockedXor64 */
__NSHM_INTERLOCKED(LONG64, 64)
__NSHM_INTERLOCKED_ARITH(LONG64, 64)
/* SHORT: InterlockedIncrement16, InterlockedDecrement16,
 * InterlockedExchange16, InterlockedCompareExchange16 */
__NSHM_INTERLOCKED(int16_t, 16)

static inline void *InterlockedExchangePointer(void *volatile *p, void *v)
{
	__NSHM_RMW(__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST));
}

static inline void *InterlockedCompareExchangePointer(void *volatile *p,
						      void *v, void *cmp)
{
	__NSHM_FENCE();
	__atomic_compare_exchange_n(p, &cmp, v, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	__NSHM_FENCE();
	return cmp;
}

/* The _Acquire/_Release/_NoFence forms: full barriers as well. */
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedIncrementRelease InterlockedIncrement
#define InterlockedDecrementAcquire InterlockedDecrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedExchangeAcquire InterlockedExchange
#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedExchangeNoFence InterlockedExchange

#endif /* NAMEDSHM_WIN32_INTERLOCKED_H */
