/** Request and reply shapes shared by the sandbox's endpoint handlers. */

export interface EndpointRequest {
	method: string;
	/** Query-string fields, first value of each name. */
	query: Record<string, string>;
	/** Form fields of an `application/x-www-form-urlencoded` body, first value of each name. */
	form: Record<string, string>;
}

export interface EndpointReply {
	statusCode: number;
	contentType: string;
	body: string;
	/** `returnCode` of the body, `null` when the body has none (success bodies, arrays, HTML). */
	returnCode: string | null;
	/** The request's `param` form field parsed as JSON, `null` when absent or not JSON. */
	param: unknown;
	/** Whether the query sign matched; `null` where the endpoint has no sign or it was not checked. */
	signValid: boolean | null;
}

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const HTML_CONTENT_TYPE = 'text/html;charset=UTF-8';

export interface ReplyContext {
	param: unknown;
	signValid: boolean | null;
}

/** Kuaidi100's failure object, sent with HTTP 200 like every API error. */
export function errorReply(returnCode: string, message: string, context: ReplyContext): EndpointReply {
	return {
		statusCode: 200,
		contentType: JSON_CONTENT_TYPE,
		body: JSON.stringify({ result: false, returnCode, message }),
		returnCode,
		...context,
	};
}

export function jsonReply(body: unknown, returnCode: string | null, context: ReplyContext): EndpointReply {
	return { statusCode: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body), returnCode, ...context };
}

/** Renders an error page as the reverse proxy in front of an API server does. */
export function htmlErrorPage(statusCode: number): string {
	const reasons: Record<number, string> = {
		500: 'Internal Server Error',
		502: 'Bad Gateway',
		503: 'Service Temporarily Unavailable',
		504: 'Gateway Time-out',
	};
	const title = `${statusCode} ${reasons[statusCode] ?? 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Parses a `param` form field; `null` when it is missing or not JSON. */
export function parseParam(text: string | undefined): unknown {
	if (text === undefined) return null;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return null;
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a JSON field as a string: strings as they are, numbers converted, anything else empty. */
export function stringField(object: Record<string, unknown>, name: string): string {
	const value = object[name];
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return '';
}
