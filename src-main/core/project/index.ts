export { Project, PROJECT_CACHE_DIR, withProject, type ProjectOptions } from './project';
export { readRecentProjects, touchRecentProject, forgetRecentProject, RECENT_PROJECTS_FILE } from './recent';
