import { sleep } from 'n8n-workflow';

/**
 * Rate limit shared by all requests of one node execution, retries included.
 * It is a token bucket with a capacity of one token, so requests leave at
 * least 1 / `perSecond` seconds apart. A bucket as deep as the rate would let
 * a second's worth leave at once and the next second's right after it, twice
 * the limit within one second.
 *
 * Callers queue in order. Each waits for the one before it to leave and then
 * for the interval since that departure, measured when the timer fires. So a
 * stalled event loop that wakes several sleepers late delays the queue
 * instead of letting them leave together.
 */
export class RateLimiter {
	private readonly intervalMs: number;

	/** Resolves when the caller queued last has left. */
	private queueTail: Promise<void> = Promise.resolve();

	/** Epoch milliseconds of the latest departure. */
	private lastDepartureAt = Number.NEGATIVE_INFINITY;

	/** `perSecond` of 0 or less disables limiting. */
	constructor(perSecond: number) {
		this.intervalMs = perSecond > 0 ? 1000 / perSecond : 0;
	}

	async acquire(): Promise<void> {
		if (this.intervalMs === 0) {
			return;
		}
		const turn = this.queueTail.then(async () => {
			const waitMs = this.lastDepartureAt + this.intervalMs - Date.now();
			if (waitMs > 0) {
				await sleep(waitMs);
			}
			this.lastDepartureAt = Date.now();
		});
		this.queueTail = turn;
		await turn;
	}
}
