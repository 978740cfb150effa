/**
 * Not API: helpers that the tiers module and the CLI share with core (private files and
 * directories, quarantine of corrupt stores). Public only because Java has no narrower visibility
 * across modules; their signatures may change in any release.
 */
package io.metacache.internal;
