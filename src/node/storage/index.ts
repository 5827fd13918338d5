/** The node's persistence: blobs in the config dir's storage folder, identity files. */
export * from './file-blob-store';
export * from './identity-store';
