import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	isExpression,
} from 'n8n-workflow';

import type { HarnessNodeTypes } from './node-types';

/**
 * Credentials helper that serves decrypted credential data from memory, keyed by credential
 * type, in place of n8n's database-backed CredentialsHelper. `authenticate`, the defaults
 * step of `getDecrypted` and `preAuthentication` follow n8n's CredentialsHelper
 * (packages/cli/src/credentials-helper.ts). Steps that need a database or a license are left out.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly nodeTypes: HarnessNodeTypes,
		private readonly credentialsByType: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.nodeTypes.getCredentialType(typeName);

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}

		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('Generic credential authentication needs the workflow and node');
			}
			// Each `properties.<headers|qs|body|auth>.<key>` may be an expression over $credentials.
			// Resolved values are merged into the request and overwrite what the node set.
			const resolve = (value: string) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? resolved.toString() : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, string>>;
			target.headers ??= {};
			for (const [where, entries] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					target[where] ??= {};
					target[where][resolve(key)] = resolve(value);
				}
			}
		}

		return requestOptions as IHttpRequestOptions;
	}

	/** Refreshes an expirable credential field, as n8n does before a request (never persisted). */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.nodeTypes.getCredentialType(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.nodeTypes.getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		return output as ICredentialDataDecryptedObject;
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.nodeTypes.getCredentialType(typeName).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const typeDefinition = this.nodeTypes.getCredentialType(credentialType);
		if (!typeDefinition.restrictToSupportedNodes) return true;
		const shortName = nodeType.slice(nodeType.indexOf('.') + 1);
		return this.nodeTypes.getSupportedNodes(credentialType).includes(shortName);
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
	}

	/**
	 * Returns the stored data with the credential type's defaults filled in, as n8n's
	 * `applyDefaultsAndOverwrites` does. A field the user never set arrives as its default
	 * (often ''), not as undefined. Expressions inside credential values are not resolved.
	 */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentialsByType[type];
		if (data === undefined) {
			throw new UserError(
				`No credential data of type "${type}" was given to the harness ` +
					`(node credential "${nodeCredentials.name}")`,
			);
		}
		return this.applyDefaults(type, data);
	}

	applyDefaults(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		return structuredClone(withDefaults);
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentialsByType[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const { oauthTokenData } = data;
		this.credentialsByType[type] = { ...this.credentialsByType[type], oauthTokenData };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.nodeTypes.getCredentialType(type);
		if (credentialType.extends === undefined) return credentialType.properties;

		// Parent properties first; the child's own properties take precedence.
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
