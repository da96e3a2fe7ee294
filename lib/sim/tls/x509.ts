// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API
// installed before the library's first module is evaluated.
import 'reflect-metadata';

export * from '@peculiar/x509';
