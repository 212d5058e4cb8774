import { sleep } from 'n8n-workflow';

/**
 * Token bucket shared by all requests of one node execution. A caller that
 * finds the bucket empty reserves the next token and sleeps until it is due,
 * so concurrent callers are spaced evenly instead of polling.
 */
export class RateLimiter {
	private tokens: number;

	private updatedAt = Date.now();

	private readonly capacity: number;

	/** `perSecond` of 0 or less disables limiting. */
	constructor(private readonly perSecond: number) {
		this.capacity = Math.max(1, perSecond);
		this.tokens = this.capacity;
	}

	async acquire(): Promise<void> {
		if (this.perSecond <= 0) {
			return;
		}
		const now = Date.now();
		this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
		this.updatedAt = now;
		this.tokens -= 1;
		if (this.tokens < 0) {
			await sleep((-this.tokens / this.perSecond) * 1000);
		}
	}
}
