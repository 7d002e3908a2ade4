/**
 * What one package of nettyws needs from another: public only so that the packages can share it, not part of the
 * API (no compatibility promise). Applications use the handlers and configurations of the other packages.
 */
package dev.nettyws.internal;
