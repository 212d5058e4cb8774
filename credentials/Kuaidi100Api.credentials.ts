import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CredentialFieldError } from '../nodes/Kuaidi100/helpers/credentialErrors';
import { signQuery } from '../nodes/Kuaidi100/helpers/signing';
import { ENDPOINTS, endpointOf, endpointUrl } from '../nodes/Kuaidi100/transport/endpoints';

/** Length of the company id (customer) that Kuaidi100's enterprise console shows. */
const CUSTOMER_LENGTH = 32;

/** A waybill number no carrier issues: Kuaidi100 returns "no result" (500) once the signature is accepted. */
const CREDENTIAL_TEST_PARAM = JSON.stringify({ com: 'yuantong', num: 'KD100CREDTEST0' });

function trimmed(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/**
 * Rejects a customer id that cannot be right before anything is sent, because
 * Kuaidi100 rejects both a swapped and a mistyped pair with the same 503.
 */
function assertCustomerFormat(customer: string, key: string): void {
	if (customer.length === CUSTOMER_LENGTH) {
		return;
	}
	if (key.length === CUSTOMER_LENGTH) {
		throw new CredentialFieldError(
			`Customer and Key look swapped: Customer has ${customer.length} characters and Key has ${CUSTOMER_LENGTH}. ` +
				'Customer is the 32-character company id (公司编号) and Key the authorization key (授权key), both on the Kuaidi100 enterprise console.',
		);
	}
	throw new CredentialFieldError(
		`Customer must be the 32-character company id (公司编号) from the Kuaidi100 enterprise console, but it has ${customer.length} characters.`,
	);
}

function formValue(body: IHttpRequestOptions['body'], name: string): string | undefined {
	if (body instanceof URLSearchParams) {
		return body.get(name) ?? undefined;
	}
	if (body && typeof body === 'object') {
		const value = (body as IDataObject)[name];
		if (typeof value === 'string') return value;
		if (value !== undefined && value !== null) return JSON.stringify(value);
	}
	return undefined;
}

function formRequest(
	requestOptions: IHttpRequestOptions,
	url: string,
	fields: Record<string, string>,
): IHttpRequestOptions {
	return {
		...requestOptions,
		url,
		baseURL: undefined,
		headers: { ...requestOptions.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
		// A string body reaches the wire unchanged, so the signed param is the sent param.
		body: new URLSearchParams(fields).toString(),
	};
}

export class Kuaidi100Api implements ICredentialType {
	name = 'kuaidi100Api';

	displayName = 'Kuaidi100 API';

	icon: Icon = { light: 'file:../icons/kuaidi100.svg', dark: 'file:../icons/kuaidi100.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-kuaidi100/n8n-nodes-kuaidi100#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Customer',
			name: 'customer',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 3C5D1E8A2B7F4A6C9D0E1F2A3B4C5D6E',
			description:
				'The 32-character company ID (公司编号) shown on the Kuaidi100 enterprise console under 我的信息 → 企业信息',
		},
		{
			displayName: 'Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The authorization key (授权key) shown next to the customer ID',
		},
		{
			displayName: 'Push Salt',
			name: 'salt',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Secret that Kuaidi100 uses to sign its pushes. The Subscribe operation sends it with each subscription and the Kuaidi100 Trigger verifies pushes with it. Any string up to 32 characters; leave empty to receive unsigned pushes.',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8100',
			description:
				'Leave empty to use Kuaidi100 itself. Set it to send every request to a compatible server instead, such as the sandbox that ships with this package’s tests.',
		},
	];

	/**
	 * Adds Kuaidi100's authentication to a request: the signed form for the
	 * real-time query, the key inside `param` for subscriptions, and the key in
	 * the query string for carrier detection.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const customer = trimmed(credentials.customer);
		const key = trimmed(credentials.key);
		const salt = typeof credentials.salt === 'string' ? credentials.salt : '';
		const baseUrl = trimmed(credentials.baseUrl).replace(/\/+$/, '');

		const requestUrl = new URL(requestOptions.url, requestOptions.baseURL);
		const endpoint = endpointOf(requestUrl.href);
		if (endpoint === undefined) {
			return requestOptions;
		}
		const url = (baseUrl || ENDPOINTS[endpoint].origin) + ENDPOINTS[endpoint].path;

		if (key === '') {
			throw new CredentialFieldError('The Key of the Kuaidi100 credential is empty. Copy the authorization key (授权key) from the Kuaidi100 enterprise console.');
		}

		if (endpoint === 'query') {
			assertCustomerFormat(customer, key);
			const param = formValue(requestOptions.body, 'param') ?? '';
			return formRequest(requestOptions, url, { customer, param, sign: signQuery(param, key, customer) });
		}

		if (endpoint === 'subscribe') {
			const param = JSON.parse(formValue(requestOptions.body, 'param') ?? '{}') as IDataObject;
			const parameters = { ...((param.parameters as IDataObject | undefined) ?? {}) };
			if (salt !== '' && parameters.salt === undefined) {
				parameters.salt = salt;
			}
			const signedParam = JSON.stringify({ ...param, key, parameters });
			return formRequest(requestOptions, url, { schema: 'json', param: signedParam });
		}

		return { ...requestOptions, url, baseURL: undefined, qs: { ...requestOptions.qs, key } };
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: endpointUrl('query'),
			body: { param: CREDENTIAL_TEST_PARAM },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'returnCode',
					value: '503',
					message:
						'Kuaidi100 rejected the signature (returnCode 503). Check that Customer is the 32-character company ID and Key the authorization key, and that they are not swapped or mistyped.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'returnCode',
					value: '601',
					message:
						'Kuaidi100 rejected the key as expired or out of quota (returnCode 601). Top up or renew the query package on the Kuaidi100 console.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'returnCode',
					value: '400',
					message:
						'Kuaidi100 rejected the request (returnCode 400). The account may not be enabled for the real-time query API.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'returnCode',
					value: '502',
					message: 'Kuaidi100 is busy (returnCode 502). Try the test again in a minute.',
				},
			},
			{
				// Every Kuaidi100 response, success or failure, is JSON with a `message`. n8n hands a
				// body it cannot parse (an HTML page, truncated JSON) to the rules as a string, where
				// `message` is undefined as well, so without this rule such a server would pass.
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: undefined,
					message:
						'The server did not answer like Kuaidi100: the response is not JSON with a message field. If the credential sets an API Base URL, check that it points at a Kuaidi100-compatible server.',
				},
			},
		],
	};
}
