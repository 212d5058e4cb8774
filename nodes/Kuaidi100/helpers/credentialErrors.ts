/**
 * Error thrown by the credential's `authenticate` when a field cannot be
 * right. Its message names the field and its length, never its value.
 */
export class CredentialFieldError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CredentialFieldError';
	}
}
