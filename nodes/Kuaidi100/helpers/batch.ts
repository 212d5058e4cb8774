/**
 * Runs `task` for indexes 0..count-1 with at most `concurrency` running at
 * once and returns the results in index order, whatever order they finish in.
 * After `shouldStop` turns true no new task starts; the ones running finish.
 */
export async function mapWithConcurrency<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	shouldStop: () => boolean = () => false,
): Promise<Array<T | undefined>> {
	const results: Array<T | undefined> = new Array(count);
	let next = 0;

	async function worker(): Promise<void> {
		while (next < count && !shouldStop()) {
			const index = next++;
			results[index] = await task(index);
		}
	}

	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker);
	await Promise.all(workers);
	return results;
}
