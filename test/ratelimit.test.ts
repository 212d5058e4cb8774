/**
 * The limiter in front of every request: Max Requests per Second as a minimum interval between
 * departures, and pacing derived from response times. Fake timers drive the clock, so the
 * departure times below are exact.
 */
import { RateLimiter } from '../nodes/Kuaidi100/transport/rateLimiter';

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
	jest.useRealTimers();
});

/** Starts `count` acquires at once and returns the clock time at which each one resolved. */
function departures(limiter: RateLimiter, count: number): number[] {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		void limiter.acquire().then(() => {
			times[index] = Date.now();
		});
	}
	return times;
}

describe('RateLimiter', () => {
	test('no limit lets all leave at once', async () => {
		const times = departures(new RateLimiter(0, 10), 5);
		await jest.advanceTimersByTimeAsync(0);

		expect(times).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000]);
	});

	test('10 per second spaces by 100 ms', async () => {
		const times = departures(new RateLimiter(10), 4);
		await jest.advanceTimersByTimeAsync(1000);

		// A bucket of one token: the first leaves at once, then one every 1/10 s, with no burst.
		expect(times).toEqual([1_000_000, 1_000_100, 1_000_200, 1_000_300]);
	});

	test('late timer does not release a burst', async () => {
		const limiter = new RateLimiter(10);
		const times = departures(limiter, 3);
		await jest.advanceTimersByTimeAsync(0);
		expect(times[0]).toBe(1_000_000);

		// The event loop stalls for 250 ms before the second's timer, due at +100 ms, can fire.
		jest.setSystemTime(1_000_250);
		await jest.advanceTimersByTimeAsync(100);
		expect(times[1]).toBe(1_000_350);
		expect(times[2]).toBeUndefined();

		// The third, due at +200 ms, waits a full interval after the late second instead of leaving with it.
		await jest.advanceTimersByTimeAsync(99);
		expect(times[2]).toBeUndefined();
		await jest.advanceTimersByTimeAsync(1);
		expect(times[2]).toBe(1_000_450);
	});

	test('pacing spaces below natural spacing', async () => {
		const concurrency = 4;
		const responseMs = 80;
		const limiter = new RateLimiter(0, concurrency);
		limiter.recordResponseTime(responseMs);
		const times = departures(limiter, 5);
		await jest.advanceTimersByTimeAsync(1000);

		// Four requests of 80 ms in flight leave 20 ms apart on average. Pacing must keep them apart,
		// but by less than that, so it never limits the throughput the concurrency allows.
		const gaps = times.slice(1).map((time, index) => time - times[index]);
		for (const gap of gaps) {
			expect(gap).toBeGreaterThan(0);
			expect(gap).toBeLessThan(responseMs / concurrency);
		}
	});

	test('pacing follows the latest response times', async () => {
		const limiter = new RateLimiter(0, 2);
		limiter.recordResponseTime(400);
		const before = departures(limiter, 2);
		await jest.advanceTimersByTimeAsync(1000);
		const slowGap = before[1] - before[0];

		for (let index = 0; index < 30; index++) limiter.recordResponseTime(40);
		const after = departures(limiter, 2);
		await jest.advanceTimersByTimeAsync(1000);
		const fastGap = after[1] - after[0];

		expect(fastGap).toBeLessThan(slowGap);
		expect(fastGap).toBeLessThan(40 / 2);
	});

	test('rate limit wins when stricter', async () => {
		const limiter = new RateLimiter(5, 10);
		limiter.recordResponseTime(50);
		const times = departures(limiter, 3);
		await jest.advanceTimersByTimeAsync(1000);

		expect(times).toEqual([1_000_000, 1_000_200, 1_000_400]);
	});

	test('sub-millisecond pacing does not wait', async () => {
		// A timer cannot wait less than 1 ms, so sleeping would cap a fast server at 1 request per ms.
		const limiter = new RateLimiter(0, 10);
		limiter.recordResponseTime(1);
		const times = departures(limiter, 20);
		await jest.advanceTimersByTimeAsync(0);

		expect(times).toHaveLength(20);
		expect(new Set(times)).toEqual(new Set([1_000_000]));
	});
});
