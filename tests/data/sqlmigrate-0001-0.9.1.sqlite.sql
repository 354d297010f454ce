BEGIN;
--
-- Create model Album
--
CREATE TABLE "gallery_album" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "category" varchar(100) NOT NULL, "dirpath" varchar(200) NOT NULL, "date" date NOT NULL, "name" varchar(100) NOT NULL);
--
-- Create model AlbumAccessPolicy
--
CREATE TABLE "gallery_albumaccesspolicy" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "public" bool NOT NULL, "inherit" bool NOT NULL, "album_id" integer NOT NULL UNIQUE REFERENCES "gallery_album" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "gallery_albumaccesspolicy_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "albumaccesspolicy_id" integer NOT NULL REFERENCES "gallery_albumaccesspolicy" ("id") DEFERRABLE INITIALLY DEFERRED, "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "gallery_albumaccesspolicy_users" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "albumaccesspolicy_id" integer NOT NULL REFERENCES "gallery_albumaccesspolicy" ("id") DEFERRABLE INITIALLY DEFERRED, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Photo
--
CREATE TABLE "gallery_photo" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "filename" varchar(100) NOT NULL, "date" datetime NULL, "album_id" integer NOT NULL REFERENCES "gallery_album" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model PhotoAccessPolicy
--
CREATE TABLE "gallery_photoaccesspolicy" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "public" bool NOT NULL, "photo_id" integer NOT NULL UNIQUE REFERENCES "gallery_photo" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "gallery_photoaccesspolicy_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "photoaccesspolicy_id" integer NOT NULL REFERENCES "gallery_photoaccesspolicy" ("id") DEFERRABLE INITIALLY DEFERRED, "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "gallery_photoaccesspolicy_users" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "photoaccesspolicy_id" integer NOT NULL REFERENCES "gallery_photoaccesspolicy" ("id") DEFERRABLE INITIALLY DEFERRED, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Alter unique_together for album (1 constraint(s))
--
CREATE UNIQUE INDEX "gallery_album_dirpath_category_b09b98dd_uniq" ON "gallery_album" ("dirpath", "category");
--
-- Alter unique_together for photo (1 constraint(s))
--
CREATE UNIQUE INDEX "gallery_photo_album_id_filename_ace8b8b0_uniq" ON "gallery_photo" ("album_id", "filename");
CREATE UNIQUE INDEX "gallery_albumaccesspolicy_groups_albumaccesspolicy_id_group_id_ed353700_uniq" ON "gallery_albumaccesspolicy_groups" ("albumaccesspolicy_id", "group_id");
CREATE INDEX "gallery_albumaccesspolicy_groups_albumaccesspolicy_id_e024c32c" ON "gallery_albumaccesspolicy_groups" ("albumaccesspolicy_id");
CREATE INDEX "gallery_albumaccesspolicy_groups_group_id_396105d8" ON "gallery_albumaccesspolicy_groups" ("group_id");
CREATE UNIQUE INDEX "gallery_albumaccesspolicy_users_albumaccesspolicy_id_user_id_aab899fc_uniq" ON "gallery_albumaccesspolicy_users" ("albumaccesspolicy_id", "user_id");
CREATE INDEX "gallery_albumaccesspolicy_users_albumaccesspolicy_id_8185997f" ON "gallery_albumaccesspolicy_users" ("albumaccesspolicy_id");
CREATE INDEX "gallery_albumaccesspolicy_users_user_id_5e30cbec" ON "gallery_albumaccesspolicy_users" ("user_id");
CREATE INDEX "gallery_photo_album_id_898c46f6" ON "gallery_photo" ("album_id");
CREATE UNIQUE INDEX "gallery_photoaccesspolicy_groups_photoaccesspolicy_id_group_id_eb9db038_uniq" ON "gallery_photoaccesspolicy_groups" ("photoaccesspolicy_id", "group_id");
CREATE INDEX "gallery_photoaccesspolicy_groups_photoaccesspolicy_id_d229ce4a" ON "gallery_photoaccesspolicy_groups" ("photoaccesspolicy_id");
CREATE INDEX "gallery_photoaccesspolicy_groups_group_id_90f3926e" ON "gallery_photoaccesspolicy_groups" ("group_id");
CREATE UNIQUE INDEX "gallery_photoaccesspolicy_users_photoaccesspolicy_id_user_id_e0346d85_uniq" ON "gallery_photoaccesspolicy_users" ("photoaccesspolicy_id", "user_id");
CREATE INDEX "gallery_photoaccesspolicy_users_photoaccesspolicy_id_ed46c4ae" ON "gallery_photoaccesspolicy_users" ("photoaccesspolicy_id");
CREATE INDEX "gallery_photoaccesspolicy_users_user_id_dabcb7a1" ON "gallery_photoaccesspolicy_users" ("user_id");
COMMIT;
